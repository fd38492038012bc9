import { pythonStrip } from '../util/python-text';
import { ConfigurationError, InputValidationError, describeProblem, describeValue, configurationError } from '../errors';
import { Completions } from '../primitives/completions';
import { Example } from '../primitives/example';
import { Module, type ForwardOptions } from '../primitives/module';
import { Prediction } from '../primitives/prediction';
import { Signature, type SignatureInput } from '../signatures/signature';
import { pythonRepr } from '../util/python-format';
import { validateOption } from '../util/validate-options';
import { Predict, type PredictConfig } from './predict';

/** Options of `new MultiChainComparison(signature, options)`: `M`, `temperature`, and any other predictor config. */
export interface MultiChainComparisonOptions extends PredictConfig {
  /** How many attempts are compared (default 3); `forward` must get exactly this many completions. */
  M?: number;
  /** Sampling temperature of the comparing predictor (default 0.7). */
  temperature?: number;
}

const RATIONALE_PREFIX = "Accurate Reasoning: Thank you everyone. Let's now holistically";

/** The attempts to compare: a list of predictions or field objects, `Completions`, or a Prediction with completions. */
function completionRecords(completions: unknown): Readonly<Record<string, unknown>>[] {
  if (completions instanceof Completions) return completions.toArray();
  if (completions instanceof Prediction) return completions.completions?.toArray() ?? [completions.toJSON()];
  if (Array.isArray(completions)) return completions.map((item) => (item instanceof Example ? item.toJSON() : item) as Readonly<Record<string, unknown>>);
  throw new InputValidationError(
    describeProblem(
      'MultiChainComparison needs `completions` to compare.',
      describeValue(completions),
      'Pass forward({ completions: prediction.completions, ...inputs }).',
    ),
  );
}

/** The first line of a value's text, trimmed (DSPy: `.strip().split("\n")[0].strip()`). */
function firstLine(text: string): string {
  return pythonStrip(pythonStrip(text).split('\n')[0]);
}

/**
 * DSPy's MultiChainComparison: shows the model `M` earlier attempts (each a reasoning and an
 * answer) as inputs `reasoning_attempt_1..M`, and asks for a corrected `rationale` before the
 * signature's outputs. Its predictor is `predict`.
 * @example
 * const attempts = await new ChainOfThought('question -> answer', { n: 3 }).forward({ question });
 * const compare = new MultiChainComparison('question -> answer');
 * const { rationale, answer } = await compare.forward({ completions: attempts.completions, question });
 */
export class MultiChainComparison extends Module {
  M: number;
  /** The signature's last output field, whose value is each attempt's answer. */
  lastKey: string;
  predict: Predict;

  /**
   * @throws {ConfigurationError} CONFIGURATION_INVALID when `M` is not a whole number ≥ 1 or the signature has no output field.
   */
  constructor(signature: SignatureInput, options: MultiChainComparisonOptions = {}) {
    super();
    // M is this module's; the rest is the comparing Predict's config, which Predict checks (it passes request parameters through).
    validateOption('MultiChainComparison', 'options', options, { kind: 'object' }, { error: configurationError });
    const { M = 3, temperature = 0.7, ...config } = options;
    validateOption('MultiChainComparison', 'M', M, { kind: 'integer', min: 1 }, { error: configurationError });
    let extended = Signature.from(signature);
    const last = extended.outputFields[extended.outputFields.length - 1];
    if (last === undefined) {
      throw new ConfigurationError(
        describeProblem('MultiChainComparison needs a signature with an output field.', extended.toString(), "Use e.g. 'question -> answer'."),
      );
    }
    for (let index = 1; index <= M; index += 1) {
      extended = extended.append(`reasoning_attempt_${index}`, { kind: 'input', prefix: `Student Attempt #${index}:`, desc: '${reasoning attempt}' });
    }
    extended = extended.prepend('rationale', { kind: 'output', prefix: RATIONALE_PREFIX, desc: '${corrected reasoning}' });
    this.M = M;
    this.lastKey = last.name;
    this.predict = new Predict(extended, { temperature, ...config });
  }

  /**
   * Compares the completions and answers; `inputs` are the signature's inputs plus `completions`.
   * @throws {InputValidationError} INPUT_INVALID when there are not exactly `M` completions, or one lacks a rationale/reasoning or the answer field.
   */
  async forward(inputs: Record<string, unknown>, options: ForwardOptions = {}): Promise<Prediction> {
    const { completions, ...rest } = inputs;
    const attempts = completionRecords(completions).map((completion, index) => {
      const record: Readonly<Record<string, unknown>> = completion !== null && typeof completion === 'object' ? completion : {};
      const rationale = record.rationale ?? record.reasoning;
      if (typeof rationale !== 'string' || !Object.hasOwn(record, this.lastKey)) {
        throw new InputValidationError(
          describeProblem(
            `Completion ${index} needs a text \`rationale\` or \`reasoning\` and a \`${this.lastKey}\`.`,
            describeValue(completion),
            'Pass completions from a ChainOfThought over the same signature.',
          ),
          { details: { index } },
        );
      }
      const answer = record[this.lastKey];
      return `«I'm trying to ${firstLine(rationale)} I'm not sure but my prediction is ${firstLine(typeof answer === 'string' ? answer : pythonRepr(answer))}»`;
    });
    if (attempts.length !== this.M) {
      throw new InputValidationError(
        describeProblem(
          `MultiChainComparison compares exactly M = ${this.M} attempts.`,
          `${attempts.length} completions`,
          'Pass M completions, or set M when constructing MultiChainComparison.',
        ),
        { details: { expected: this.M, received: attempts.length } },
      );
    }
    const attemptInputs = Object.fromEntries(attempts.map((attempt, index) => [`reasoning_attempt_${index + 1}`, attempt]));
    return this.predict.forward({ ...attemptInputs, ...rest }, options);
  }
}
