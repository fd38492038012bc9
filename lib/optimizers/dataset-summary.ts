import type { Example } from '../primitives/example';
import { Predict } from '../predict/predict';
import { pythonRepr, pythonStringRepr } from '../util/python-format';
import { DATASET_DESCRIPTOR, DATASET_DESCRIPTOR_WITH_PRIOR_OBSERVATIONS, OBSERVATION_SUMMARIZER, stripPrefix } from './proposer-signatures';

/** Runs one proposer request (the caller has set the prompt LM in context). */
export type ProposerCall = (predictor: Predict, inputs: Record<string, unknown>) => Promise<Record<string, unknown>>;

const MAX_CALLS = 10;

/**
 * Python's `repr` of a list of Examples with the input keys sorted (DSPy's
 * `order_input_keys_in_string(trainset[a:b].__repr__())`):
 * `[Example({'question': '…', 'answer': '…'}) (input_keys={'question'}), …]`.
 */
export function examplesRepr(examples: readonly Example[]): string {
  const items = examples.map((example) => {
    const store = Object.fromEntries(Object.entries(example.toJSON()).filter(([key]) => !key.startsWith('dspy_')));
    const keys = example.inputKeys;
    const inputKeys = keys === undefined ? 'None' : keys.length === 0 ? 'set()' : `{${keys.map(pythonStringRepr).sort().join(', ')}}`;
    return `Example(${pythonRepr(store)}) (input_keys=${inputKeys})`;
  });
  return `[${items.join(', ')}]`;
}

/**
 * DSPy's `create_dataset_summary`: observations on the first `batchSize` examples, more from each
 * following batch (at most 9 more requests; five "COMPLETE" replies stop early), then a 2–3
 * sentence summary of them.
 */
export async function createDatasetSummary(trainset: readonly Example[], batchSize: number, call: ProposerCall): Promise<string> {
  const config = { n: 1, temperature: 1.0 };
  const first = await call(new Predict(DATASET_DESCRIPTOR, config), { examples: examplesRepr(trainset.slice(0, Math.min(trainset.length, batchSize))) });
  let observations = String(first.observations ?? '');
  let skips = 0;
  let calls = 0;
  for (let start = batchSize; start < trainset.length; start += batchSize) {
    calls += 1;
    if (calls >= MAX_CALLS) break;
    const output = await call(new Predict(DATASET_DESCRIPTOR_WITH_PRIOR_OBSERVATIONS, config), {
      prior_observations: observations,
      examples: examplesRepr(trainset.slice(start, Math.min(trainset.length, start + batchSize))),
    });
    const added = String(output.observations ?? '');
    if (added.length >= 8 && added.slice(0, 8).toUpperCase() === 'COMPLETE') {
      skips += 1;
      if (skips >= 5) break;
      continue;
    }
    // DSPy concatenates without a separator.
    observations += added;
  }
  const summary = await call(new Predict(OBSERVATION_SUMMARIZER, config), { observations });
  return stripPrefix(String(summary.summary ?? ''));
}
