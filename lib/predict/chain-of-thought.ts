import type { ForwardOptions } from '../primitives/module';
import { Module } from '../primitives/module';
import type { Prediction } from '../primitives/prediction';
import { Signature, type SignatureInput } from '../signatures/signature';
import { Predict, type PredictConfig, type PredictForwardOptions } from './predict';

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
    const base = Signature.from(signature);
    this.predict = new Predict(base.prepend('reasoning', { kind: 'output', desc: '${reasoning}' }, 'str'), config);
  }

  /** Runs the reasoning predictor; the prediction carries `reasoning` and the signature's outputs. */
  async forward(inputs: Record<string, unknown>, options: PredictForwardOptions & ForwardOptions = {}): Promise<Prediction> {
    return this.predict.forward(inputs, options);
  }
}
