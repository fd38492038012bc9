import { ConfigurationError, describeProblem } from '../errors';
import { checkRequestOptions } from '../lm/chat-request';
import { LM_CLIENT_OPTION_NAMES, validateClientOptions } from '../lm/lm-client-options';
import type { OptionRules } from '../util/validate-options';
import type { PredictConfig } from './predict';

/** LM client options (where and how requests go) belong on the LM: a predictor's config only shapes requests. */
const LM_ONLY_NAMES = new Set(LM_CLIENT_OPTION_NAMES.filter((name) => name !== 'cache'));

/** Every client option name takes part in "did you mean"; the LM-only ones are refused before. */
const PREDICT_CONFIG_RULES: OptionRules = { ...Object.fromEntries([...LM_ONLY_NAMES].map((name) => [name, { kind: 'any' }])), cache: { kind: 'boolean' } };

/**
 * Validates a predictor's config with the one options helper: request parameters pass through (as
 * DSPy's `Predict(signature, **config)`), but a near miss of an option (`cahce`, `baseUrl`), an LM
 * client option, or a bad value of a documented one (`temperature: -1`) is refused.
 * @returns a copy of the config.
 * @throws {ConfigurationError} CONFIGURATION_INVALID naming the option.
 */
export function validatePredictConfig(config: PredictConfig): PredictConfig {
  for (const key of Object.keys(config)) {
    if (!LM_ONLY_NAMES.has(key)) continue;
    // Never print the value: it may be an API key.
    throw new ConfigurationError(
      describeProblem(
        `Predict: "${key}" is an LM option, not a predictor option.`,
        `a value of type ${typeof config[key]}`,
        `Pass it to the LM instead: new LM(model, { ${key} }).`,
      ),
      {
        details: { option: key },
      },
    );
  }
  validateClientOptions('Predict', config, PREDICT_CONFIG_RULES);
  checkRequestOptions(config, 'Predict');
  return { ...config };
}
