import type { ForwardOptions } from '../primitives/module';
import { Module } from '../primitives/module';
import type { ExampleInput } from '../primitives/example';
import type { Prediction } from '../primitives/prediction';
import type { LooselyTyped, Simplify, SignatureInputs, SignatureOutputs } from '../signatures/infer-signature';
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

/** A signature's outputs with ChainOfThought's `reasoning: string` first. */
export type WithReasoning<O> = Simplify<{ reasoning: string } & O>;

/**
 * Asks the LM to reason step by step before answering: DSPy's ChainOfThought, a `Predict` over the
 * signature with an output field `reasoning` prepended. Its predictor is named `predict`.
 * @example
 * const cot = new ChainOfThought('question -> answer');
 * const { reasoning, answer } = await cot.forward({ question: 'What is 6 × 7?' });
 */
export class ChainOfThought<
  S extends SignatureInput = SignatureInput,
  I = SignatureInputs<S>,
  O extends object = WithReasoning<SignatureOutputs<S>>,
> extends Module {
  predict: Predict;

  constructor(signature: S, config: PredictConfig = {}) {
    super();
    this.predict = new Predict(withReasoning(Signature.from(signature)), config);
  }

  /** Runs the reasoning predictor; the prediction carries `reasoning` and the signature's outputs. */
  forward<T extends Readonly<Record<string, unknown>>>(inputs: LooselyTyped<T>, options?: PredictForwardOptions): Promise<Prediction<O>>;
  forward(inputs: I | ExampleInput, options?: PredictForwardOptions): Promise<Prediction<O>>;
  async forward(inputs: I | ExampleInput, options: PredictForwardOptions & ForwardOptions = {}): Promise<Prediction<O>> {
    return this.predict.forward(inputs as Readonly<Record<string, unknown>>, options) as Promise<Prediction<O>>;
  }
}
