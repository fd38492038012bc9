import { getRootLogger } from '../logging/logger';
import type { BaseLM } from '../lm/base-lm';
import { LM } from '../lm/lm';

/**
 * Rebuilds a predictor's LM from saved state (DSPy's `Predict.load_state`). The entry is read as
 * data (`LM.fromState`): it can choose the model and request parameters, never where requests go or
 * what headers they carry, unless `allowUnsafeLmState` (DSPy's `allow_unsafe_lm_state`).
 * @throws {StateValidationError} STATE_INVALID for a custom LM class or a malformed entry.
 */
export function lmFromState(state: Readonly<Record<string, unknown>>, options: { allowUnsafeLmState?: boolean; name: string }): BaseLM {
  return LM.fromState(state, { allowUnsafeLmState: options.allowUnsafeLmState === true, logger: getRootLogger().child({ predictor: options.name }) });
}
