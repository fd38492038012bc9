import { describeProblem, describeValue, type DspexError } from '../errors';
import { Example, fieldsOfRecord } from '../primitives/example';

type ErrorClass = new (message: string, options?: { details?: Record<string, unknown> }) => DspexError;

/**
 * Checks a devset/trainset/valset: a non-empty array of Examples whose input keys are set (each
 * example runs as `program.forward(example.inputs())`).
 * @throws the given error class (EVALUATION_FAILED or OPTIMIZER_INVALID) naming the set and the first bad item.
 */
export function assertExampleSet(owner: string, name: string, value: unknown, ErrorType: ErrorClass): asserts value is readonly Example[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ErrorType(
      describeProblem(
        `${owner} needs a non-empty ${name}.`,
        describeValue(value),
        `Pass ${name}: [new Example({ question, answer }).withInputs('question'), …].`,
      ),
      { details: { option: name } },
    );
  }
  const index = value.findIndex((item) => !(item instanceof Example) || item.inputKeys === undefined);
  if (index >= 0) {
    const item: unknown = value[index];
    const problem = item instanceof Example ? 'has no input keys' : 'is not an Example';
    throw new ErrorType(
      describeProblem(
        `${owner}: ${name}[${index}] ${problem}.`,
        describeValue(item instanceof Example ? item.toJSON() : item),
        "Build each item as new Example({ … }).withInputs('question').",
      ),
      { details: { option: name, index } },
    );
  }
}

/**
 * `100 * sum / total` rounded to two decimals the way Python's `round(x, 2)` does (ties to even on
 * the exact binary value), so scores match DSPy's `EvaluationResult.score`.
 */
export function percentage(sum: number, total: number): number {
  const value = (100 * sum) / total;
  const scaled = value * 100;
  const floor = Math.floor(scaled);
  // An exact tie is only possible when the value is a multiple of 1/8 (x.125, x.375, …).
  if (scaled - floor === 0.5 && Number.isInteger(value * 8)) return (floor % 2 === 0 ? floor : floor + 1) / 100;
  return Number(value.toFixed(2));
}

/**
 * The input fields of `example`, in field order, as the object a program receives (DSPy's
 * `program(**example.inputs())`); built without intermediate Examples, as it runs once per example per run.
 */
export function inputsOf(example: Example): Record<string, unknown> {
  const inputKeys = new Set(example.inputKeys);
  const fields = fieldsOfRecord(example);
  const inputs: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) if (inputKeys.has(key)) inputs[key] = fields[key];
  return inputs;
}
