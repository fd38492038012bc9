import { StateValidationError, describeProblem, describeValue } from '../errors';
import { getRootLogger } from '../logging/logger';
import type { BaseLM } from '../lm/base-lm';
import { LM } from '../lm/lm';

/** Keys that point an LM at an endpoint or carry credentials: never trusted from a file by default. */
const UNSAFE_LM_KEYS = new Set(['api_base', 'base_url', 'api_key', 'model_list', 'headers', 'apiBase', 'baseUrl', 'baseURL', 'apiKey', 'modelList']);
/** DSPy bookkeeping keys that are not LM options. */
const IGNORED_KEYS = new Set(['_dspy_lm_class', 'model', 'model_type', 'finetuning_model', 'launch_kwargs', 'train_kwargs', 'use_developer_role']);
const KNOWN_CLASS = 'dspy.clients.lm.LM';

function toCamelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * Rebuilds a predictor's LM from saved state (DSPy's `BaseLM.load_state`): endpoint and credential
 * keys are dropped (with a warning) unless `allowUnsafeLmState`; snake_case keys become LM options.
 * @throws {StateValidationError} STATE_INVALID for a custom LM class or a missing model.
 */
export function lmFromState(state: Readonly<Record<string, unknown>>, options: { allowUnsafeLmState?: boolean; name: string }): BaseLM {
  const lmClass = state._dspy_lm_class;
  if (lmClass !== undefined && lmClass !== KNOWN_CLASS) {
    throw new StateValidationError(
      describeProblem(`Predictor "${options.name}" was saved with a custom LM class that dspex cannot rebuild.`, describeValue(lmClass), 'Set the LM on the predictor in code after loading, and save with lm: null.'),
    );
  }
  if (typeof state.model !== 'string' || state.model.length === 0) {
    throw new StateValidationError(describeProblem(`Predictor "${options.name}" has an lm entry without a model.`, describeValue(state.model), 'Save lm as null or with a model name.'));
  }
  const dropped: string[] = [];
  const lmOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) {
    if (IGNORED_KEYS.has(key) || value === null || value === undefined) continue;
    if (UNSAFE_LM_KEYS.has(key) && options.allowUnsafeLmState !== true) {
      dropped.push(key);
      continue;
    }
    const option = key === 'api_base' || key === 'base_url' || key === 'baseUrl' || key === 'apiBase' ? 'baseURL' : toCamelCase(key);
    lmOptions[option] = value;
  }
  if (dropped.length > 0) {
    getRootLogger().child({ component: 'predict' }).warn({ predictor: options.name, keys: dropped.sort() }, 'ignoring unsafe lm config keys during state load; pass allowUnsafeLmState for trusted files');
  }
  return new LM(state.model, lmOptions);
}
