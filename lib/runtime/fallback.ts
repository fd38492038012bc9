import type { DspexError } from '../errors';
import type { Prediction } from '../primitives/prediction';
import type { Fallback } from './child-spec';
import type { ModuleRef } from './module-ref';

/**
 * Serves a call with a child's fallback: the function, or the named sibling (through its own
 * queue, with the caller's signal). A sibling that no longer exists leaves the original error.
 * @throws the fallback's own error, or `error` when there is nothing to fall back to.
 */
export async function runFallback(
  fallback: Fallback | undefined,
  inputs: Record<string, unknown>,
  error: DspexError,
  signal: AbortSignal | undefined,
  lookup: (id: string) => ModuleRef | undefined,
): Promise<Prediction> {
  if (fallback === undefined) throw error;
  if (typeof fallback === 'function') return fallback(inputs, error);
  const target = lookup(fallback.child);
  if (target === undefined) throw error;
  return target.forward(inputs, { signal });
}
