import { getRootLogger } from '../logging/logger';
import type { BaseLM } from '../lm/base-lm';
import { LM } from '../lm/lm';

/** Keys that point an LM at an endpoint or carry credentials: never trusted from a file by default. */
const UNSAFE_LM_KEYS = new Set(['api_base', 'base_url', 'api_key', 'model_list', 'headers', 'apiBase', 'baseUrl', 'baseURL', 'apiKey', 'modelList']);

/**
 * Rebuilds a predictor's LM from saved state (DSPy's `Predict.load_state`): endpoint and credential
 * keys are dropped, with a warning, unless `allowUnsafeLmState` (DSPy's `allow_unsafe_lm_state`).
 * @throws {StateValidationError} STATE_INVALID for a custom LM class or a malformed entry.
 */
export function lmFromState(state: Readonly<Record<string, unknown>>, options: { allowUnsafeLmState?: boolean; name: string }): BaseLM {
  if (options.allowUnsafeLmState === true) return LM.fromState(state);
  const dropped = Object.keys(state).filter((key) => UNSAFE_LM_KEYS.has(key));
  if (dropped.length === 0) return LM.fromState(state);
  getRootLogger()
    .child({ component: 'predict' })
    .warn({ predictor: options.name, keys: dropped.sort() }, 'ignoring unsafe lm config keys during state load; pass allowUnsafeLmState for trusted files');
  return LM.fromState(Object.fromEntries(Object.entries(state).filter(([key]) => !UNSAFE_LM_KEYS.has(key))));
}
