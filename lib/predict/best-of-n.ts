import type { Logger } from '../logging/logger';
import { Module } from '../primitives/module';
import type { ForwardInputs, ForwardResult } from './forward-types';
import { currentSignal } from '../util/call-scope';
import {
  assertRolloutOptions,
  checkRolloutForwardOptions,
  runAttemptLoop,
  runRollout,
  type RewardFunction,
  type RolloutForwardOptions,
  type RolloutOptions,
} from './rollouts';

/** Options of `new BestOfN(module, options)`. */
export interface BestOfNOptions extends RolloutOptions {
  threshold: number;
  /** Receives a warning per failed attempt (DSPy prints one). */
  logger?: Logger;
}

/**
 * DSPy's BestOfN: runs a module up to `n` times, each on a deep copy whose LM is a copy at
 * temperature 1.0 with its own rollout id, scores each prediction with `rewardFn(inputs, prediction)`,
 * and returns the best one — or the first that reaches `threshold`. Failed attempts are tolerated
 * under DSPy's `failCount` rule. Its predictors are the module's, under `module.`.
 * @example
 * const oneWord = (_inputs, prediction) => (prediction.answer.split(' ').length === 1 ? 1 : 0);
 * const best = new BestOfN(new ChainOfThought('question -> answer'), { n: 3, rewardFn: oneWord, threshold: 1 });
 * const { answer } = await best.forward({ question: 'What is the capital of Belgium?' });
 */
export class BestOfN<M extends Module = Module> extends Module {
  module: M;
  rewardFn: RewardFunction;
  threshold: number;
  n: number;
  failCount: number;
  readonly logger: Logger | undefined;

  /** @throws {ConfigurationError} CONFIGURATION_INVALID for a non-module, `n` ≤ 0, a missing reward function or threshold, or an unknown option. */
  constructor(module: M, options: BestOfNOptions) {
    super();
    assertRolloutOptions('BestOfN', module, options, true);
    this.module = module;
    this.rewardFn = options.rewardFn;
    this.threshold = options.threshold;
    this.n = options.n;
    this.failCount = options.failCount ?? options.n;
    this.logger = options.logger;
  }

  /**
   * Runs the attempts and returns the best prediction; its trace joins the caller's trace. A per-call
   * `lm` replaces the LM the attempts copy.
   * @throws {ConfigurationError} CONFIGURATION_INVALID for a per-call option other than `signal` and `lm`.
   * @throws {EvaluationError} EVALUATION_FAILED when every attempt failed, or wrapping a non-dspex error once failures exceed `failCount`.
   * @throws a dspex error of the module (e.g. `LM_HTTP`) once failures exceed `failCount`; `LM_NOT_CONFIGURED`; the caller's `signal.reason`.
   */
  async forward(typedInputs: ForwardInputs<M>, options: RolloutForwardOptions = {}): Promise<ForwardResult<M>> {
    const inputs = typedInputs as Readonly<Record<string, unknown>>;
    const { lm, signal = currentSignal() } = checkRolloutForwardOptions('BestOfN', options);
    const loop = {
      owner: 'BestOfN',
      module: this.module,
      n: this.n,
      failCount: this.failCount,
      threshold: this.threshold,
      logger: this.logger,
      signal,
      lm,
    } as const;
    return runAttemptLoop(loop, (copy) => runRollout(copy, { inputs, rewardFn: this.rewardFn, signal })) as Promise<ForwardResult<M>>;
  }
}
