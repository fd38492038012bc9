import { CheckpointCorruptError, describeProblem, describeValue } from '../errors';
import { isPlainObject } from '../util/is-plain-object';
import type { Checkpoint } from './checkpoint-store';

/**
 * Checks that `value` has a checkpoint's shape (`id`, `version`, `state`, `createdAt`) and returns it.
 * @throws {CheckpointCorruptError} CHECKPOINT_CORRUPT naming the first bad field.
 */
export function assertCheckpointShape(value: unknown, where: string): Checkpoint {
  const fail = (field: string, received: unknown): never => {
    throw new CheckpointCorruptError(
      describeProblem(
        `Checkpoint ${where} has an invalid "${field}".`,
        describeValue(received),
        'Pass { id, version, state, createdAt } as a checkpoint store returns it.',
      ),
      { details: { where, field } },
    );
  };
  if (!isPlainObject(value)) return fail('checkpoint', value);
  if (typeof value.id !== 'string' || value.id.length === 0) fail('id', value.id);
  if (typeof value.version !== 'string' || value.version.length === 0) fail('version', value.version);
  if (!isPlainObject(value.state)) fail('state', value.state);
  if (typeof value.createdAt !== 'number' || !Number.isFinite(value.createdAt)) fail('createdAt', value.createdAt);
  return value as unknown as Checkpoint;
}
