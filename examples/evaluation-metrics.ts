import pino from 'pino';
import { DummyLM, Evaluate, EvaluationError, Example, Predict, answerExactMatch, context, type Metric } from 'dspex';

const devset = [
  new Example({ question: 'Name two primary colours.', answer: 'red and blue' }).withInputs('question'),
  new Example({ question: 'Name a large city in France.', answer: ['Paris', 'Lyon', 'Marseille'] }).withInputs('question'),
];
const lm = new DummyLM({ primary: { answer: 'red and yellow' }, France: { answer: 'Lyon' } });
const logger = pino({ level: 'silent' });

/** Metrics: a boolean, a number for partial credit, your own function; and what happens when one throws. */
export async function main(): Promise<void> {
  const program = new Predict('question -> answer');
  const run = (metric: Metric): Promise<number> => context({ lm }, async () => (await new Evaluate({ devset, metric, logger }).run(program)).score);

  // Exact match after normalisation; a list of answers accepts any of them.
  console.log(await run(answerExactMatch)); // 50

  // Partial credit: token F1 of at least 0.5 counts as a match (DSPy's `frac`).
  console.log(await run((example, prediction) => answerExactMatch(example, prediction, undefined, { frac: 0.5 }))); // 100

  // Your own metric: any function returning a number (summed, then averaged as a percentage) or a boolean.
  const shortAnswer: Metric = (_example, prediction) => Math.max(0, 1 - String(prediction.answer).split(' ').length / 10);
  console.log(await run(shortAnswer)); // 80

  // A metric (or program) that throws counts as a failure for that example: it scores failureScore ...
  const picky: Metric = (example) => {
    if (Array.isArray(example.answer)) throw new Error('cannot judge lists');
    return true;
  };
  console.log(await run(picky)); // 50

  // ... until maxErrors failures, when the run stops with EVALUATION_FAILED.
  const strict = new Evaluate({ devset, metric: picky, maxErrors: 1, logger });
  const failure = await context({ lm }, () => strict.run(program)).catch((error: unknown) => error);
  console.log(failure instanceof EvaluationError, (failure as EvaluationError).code); // true EVALUATION_FAILED
}

if (require.main === module) void main();
