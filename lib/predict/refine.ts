import { ChatAdapter } from '../adapters/chat-adapter';
import type { BaseLM } from '../lm/base-lm';
import type { Logger } from '../logging/logger';
import { Module } from '../primitives/module';
import type { ForwardInputs, ForwardResult } from './forward-types';
import { context, currentSettings } from '../settings/settings';
import { Signature } from '../signatures/signature';
import { currentSignal } from '../util/call-scope';
import { isPlainObject } from '../util/is-plain-object';
import { HintAdapter } from './hint-adapter';
import { OFFER_FEEDBACK, offerFeedbackInputs } from './offer-feedback';
import { Predict } from './predict';
import {
  assertRolloutOptions,
  checkRolloutForwardOptions,
  runAttemptLoop,
  runRollout,
  type RewardFunction,
  type RolloutForwardOptions,
  type RolloutOptions,
  type RolloutResult,
} from './rollouts';

/** Options of `new Refine(module, options)`. */
export interface RefineOptions extends RolloutOptions {
  /** Receives a warning per failed attempt (DSPy prints one). */
  logger?: Logger;
}

/**
 * Gives each predictor of the copy its own signature object (equal to the old one), so advice
 * can be routed by signature even when two predictors were built from the same text (dspex
 * caches parsed signatures; DSPy creates a new class each time).
 */
function distinctSignatures(copy: Module): Map<Signature, string> {
  const names = new Map<Signature, string>();
  for (const [name, predictor] of copy.namedPredictors()) {
    if (!(predictor instanceof Predict)) continue;
    predictor.signature = new Signature(predictor.signature.fields, predictor.signature.instructions);
    names.set(predictor.signature, name);
  }
  return names;
}

/**
 * DSPy's Refine: like `BestOfN` (up to `n` attempts at temperature 1.0 with distinct rollout ids,
 * scored by `rewardFn`, stopping at `threshold`), but after an attempt that falls short an
 * `OfferFeedback` call reviews it and writes advice per predictor, which the next attempt's
 * predictors receive as an extra input `hint_`. Where DSPy shows the model the program's source,
 * dspex shows its class and predictor signatures; the reward function's source is its `toString()`.
 * @example
 * const refined = new Refine(new ChainOfThought('question -> answer'), { n: 3, rewardFn: oneWord, threshold: 1 });
 * const { answer } = await refined.forward({ question: 'What is the capital of Belgium?' });
 */
export class Refine<M extends Module = Module> extends Module {
  module: M;
  rewardFn: RewardFunction;
  threshold: number | undefined;
  n: number;
  failCount: number;
  readonly logger: Logger | undefined;

  /** @throws {ConfigurationError} CONFIGURATION_INVALID for a non-module, `n` ≤ 0, a missing reward function, a non-numeric threshold, or an unknown option. */
  constructor(module: M, options: RefineOptions) {
    super();
    assertRolloutOptions('Refine', module, options, false);
    this.module = module;
    this.rewardFn = options.rewardFn;
    this.threshold = options.threshold;
    this.n = options.n;
    this.failCount = options.failCount ?? options.n;
    this.logger = options.logger;
  }

  /**
   * Runs the attempts with feedback in between and returns the best prediction; its trace joins the
   * caller's trace. A per-call `lm` replaces the LM the attempts copy.
   * @throws {ConfigurationError} CONFIGURATION_INVALID for a per-call option other than `signal` and `lm`.
   * @throws {EvaluationError} EVALUATION_FAILED when every attempt failed, or wrapping a non-dspex error once failures exceed `failCount`.
   * @throws a dspex error of the module once failures exceed `failCount`; `LM_NOT_CONFIGURED`; the caller's `signal.reason`.
   */
  async forward(typedInputs: ForwardInputs<M>, options: RolloutForwardOptions = {}): Promise<ForwardResult<M>> {
    const inputs = typedInputs as Readonly<Record<string, unknown>>;
    const { lm, signal = currentSignal() } = checkRolloutForwardOptions('Refine', options);
    const adapter = currentSettings().adapter ?? new ChatAdapter();
    let advice: Record<string, unknown> | undefined;
    const loop = {
      owner: 'Refine',
      module: this.module,
      n: this.n,
      failCount: this.failCount,
      threshold: this.threshold,
      logger: this.logger,
      signal,
      lm,
    } as const;
    return runAttemptLoop(
      loop,
      (copy) => {
        const hints = advice === undefined ? undefined : hintsBySignature(distinctSignatures(copy), advice);
        return runRollout(copy, { inputs, rewardFn: this.rewardFn, signal, adapter: hints === undefined ? undefined : new HintAdapter(adapter, hints) });
      },
      async (copy, attempt, base) => {
        // The per-call LM, else the configured one, else the module's (DSPy asks `dspy.settings.lm`).
        advice = await offerFeedback({
          copy,
          inputs,
          attempt,
          rewardFn: this.rewardFn,
          threshold: this.threshold,
          lm: lm ?? currentSettings().lm ?? base,
          signal,
        });
      },
    ) as Promise<ForwardResult<M>>;
  }
}

function hintsBySignature(names: ReadonlyMap<Signature, string>, advice: Readonly<Record<string, unknown>>): Map<Signature, unknown> {
  const hints = new Map<Signature, unknown>();
  for (const [signature, name] of names) if (Object.hasOwn(advice, name)) hints.set(signature, advice[name]);
  return hints;
}

/**
 * Asks `lm` what each predictor should do differently. A
 * function, not a method: module copies are made without running constructors, so private
 * members would not exist on them.
 */
async function offerFeedback(request: {
  copy: Module;
  inputs: Readonly<Record<string, unknown>>;
  attempt: RolloutResult;
  rewardFn: RewardFunction;
  threshold: number | undefined;
  lm: BaseLM;
  signal: AbortSignal | undefined;
}): Promise<Record<string, unknown>> {
  const { copy, inputs, attempt } = request;
  const feedbackInputs = offerFeedbackInputs({
    program: copy,
    inputs,
    trace: attempt.trace,
    prediction: attempt.prediction,
    rewardCode: String(request.rewardFn),
    threshold: request.threshold,
    reward: attempt.reward,
  });
  // Not part of the program, so kept out of the caller's trace.
  const reply = await context({ trace: undefined }, () => new Predict(OFFER_FEEDBACK).forward(feedbackInputs, { lm: request.lm, signal: request.signal }));
  const advice = reply.get('advice');
  return isPlainObject(advice) ? advice : {};
}
