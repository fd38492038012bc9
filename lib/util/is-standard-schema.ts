import type { StandardSchemaV1 } from '@standard-schema/spec';

/** True for a Standard Schema validator (Zod 4, Valibot, ArkType, …): a `~standard` property with a `validate` function. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  return typeof props === 'object' && props !== null && typeof (props as { validate?: unknown }).validate === 'function';
}
