import type { ForwardOptions } from '../primitives/module';
import { Module } from '../primitives/module';
import type { Prediction } from '../primitives/prediction';
import { Signature, type SignatureInput } from '../signatures/signature';
import { Predict, type PredictConfig, type PredictForwardOptions } from './predict';

const REASONING_FIELD = { kind: 'output', desc: '${reasoning}', type: { kind: 'str' } } as const;
/** Signatures are immutable, so each base signature's reasoning variant is built once. */
const reasoningSignatures = new WeakMap<Signature, Signature>();

function withReasoning(base: Signature): Signature {
  let extended = reasoningSignatures.get(base);
  if (extended === undefined) {
    extended = base.prepend('reasoning', REASONING_FIELD);
    reasoningSignatures.set(base, extended);
  }
  return extended;
}

/**
 * Asks the LM to reason step by step before answering: DSPy's ChainOfThought, a `Predict` over the
 * signature with an output field `reasoning` prepended. Its predictor is named `predict`.
 * @example
 * const cot = new ChainOfThought('question -> answer');
 * const { reasoning, answer } = await cot.forward({ question: 'What is 6 × 7?' });
 */
export class ChainOfThought extends Module {
  predict: Predict;

  constructor(signature: SignatureInput, config: PredictConfig = {}) {
    super();
    this.predict = new Predict(withReasoning(Signature.from(signature)), config);
  }

  /** Runs the reasoning predictor; the prediction carries `reasoning` and the signature's outputs. */
  async forward(inputs: Record<string, unknown>, options: PredictForwardOptions & ForwardOptions = {}): Promise<Prediction> {
    return this.predict.forward(inputs, options);
  }
}
