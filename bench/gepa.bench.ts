import pino from 'pino';
import { DummyLM, Example, GEPA, Module, Predict, Prediction, Predictor, context, type GEPAMetric } from 'dspex';
import { formatDuration, record, section } from './harness';

const RULES: Record<string, string> = {
  dates: 'Write dates as YYYY-MM-DD.',
  distances: 'Give distances in kilometres.',
  names: 'Spell names in full.',
  money: 'Round amounts to whole euros.',
};
const QUESTION = /\[\[ ## question ## \]\]\n(.*)/;

class QA extends Module {
  @Predictor('question -> answer') generate!: Predict;

  async forward(inputs: { question: string }): Promise<Prediction> {
    return this.generate.forward(inputs);
  }
}

function examples(perKind: number, first: number): Example[] {
  const kinds = Object.keys(RULES);
  return Array.from({ length: perKind * kinds.length }, (_, index) => {
    const id = first + index;
    return new Example({ question: `item ${id} (${kinds[index % kinds.length]})`, answer: `answer-${id}` }).withInputs('question');
  });
}

/** An instant task LM: right when the instruction states the question's rule, else on every fifth item. */
const taskLM = new DummyLM((messages) => {
  const [, id, kind] = /item (\d+) \((\w+)\)/.exec(QUESTION.exec(String(messages[messages.length - 1].content))?.[1] ?? '') ?? [];
  const isRight = String(messages[0].content).includes(RULES[kind] ?? '\u0000') || Number(id) % 5 === 0;
  return { answer: isRight ? `answer-${id}` : `wrong-${id}` };
});

/** An instant reflection LM that rewrites the instruction without learning anything (every iteration reflects). */
let reflections = 0;
const reflectionLM = new DummyLM(() => {
  reflections += 1;
  return `\`\`\`\nAnswer the question. Attempt ${reflections}.\n\`\`\``;
});

const metric: GEPAMetric = (example, prediction) => ({ score: example.get('answer') === prediction.get('answer') ? 1 : 0, feedback: 'Check the answer.' });
const logger = pino({ level: 'silent' });

/**
 * GEPA's framework time per reflective iteration with instant LMs (issue 13 target < 5 ms): a
 * compile of 1,000 metric calls on 24 training / 16 validation examples, divided by the reflections it made.
 */
export async function run(): Promise<void> {
  section('optimizers: GEPA, instant LMs, 24 train / 16 val, 1,000 metric calls');
  const trainset = examples(6, 0);
  const valset = examples(4, 100);
  const perIteration: number[] = [];
  for (let sample = 0; sample < 12; sample += 1) {
    reflections = 0;
    const gepa = new GEPA({ metric, reflectionLM, maxMetricCalls: 1000, seed: sample, logger });
    const start = process.hrtime.bigint();
    await context({ lm: taskLM }, () => gepa.compile(new QA(), { trainset, valset }));
    const elapsed = Number(process.hrtime.bigint() - start);
    if (sample >= 2) perIteration.push(elapsed / Math.max(reflections, 1));
  }
  perIteration.sort((left, right) => left - right);
  const median = perIteration[Math.floor(perIteration.length / 2)];
  record('GEPA, framework time per reflective iteration (median of 10)', formatDuration(median), '< 5.00 ms', median < 5_000_000);
  record('GEPA, worst of 10', formatDuration(perIteration[perIteration.length - 1]));
}
