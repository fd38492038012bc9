export { Signature, signature } from './signature';
export type { SignatureInput, SignatureState } from './signature';
export { Field } from './field';
export type { FieldDefinition, FieldKind } from './field';
export { parseFieldType, annotationName, admitsNone, fieldTypeEquals } from './field-types';
export type { FieldType, LiteralValue } from './field-types';
export { jsonSchemaOf } from './json-schema';
export type { JsonSchema } from './json-schema';
export { inferPrefix } from './infer-prefix';
