import pino from 'pino';
import {
  BaseLM,
  BootstrapFewShot,
  Evaluate,
  Example,
  Module,
  Predict,
  Prediction,
  Predictor,
  answerExactMatch,
  context,
  type BaseLMOptions,
  type ChatMessage,
  type LMCallOptions,
  type LMOutput,
} from 'dspex';
import { formatDuration, measure, record, section } from './harness';

const QUESTION = /\[\[ ## question ## \]\]\n(.*)/;

/** Answers `answer <n>` for `question <n>` after `delayMs` (0: at once, no timer), as a remote model would. */
class LatencyLM extends BaseLM {
  constructor(private readonly delayMs: number) {
    super(`latency-${delayMs}ms`, { cache: false, historySize: 0 });
  }

  async forward(messages: readonly ChatMessage[], _options: LMCallOptions): Promise<LMOutput> {
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const question = QUESTION.exec(messages[messages.length - 1].content)?.[1] ?? '';
    return { outputs: [`[[ ## answer ## ]]\n${question.replace('question', 'answer')}\n\n[[ ## completed ## ]]`] };
  }

  copy(overrides: Partial<BaseLMOptions> = {}): LatencyLM {
    void overrides;
    return new LatencyLM(this.delayMs);
  }
}

class QA extends Module {
  @Predictor('question -> answer') generate!: Predict;

  async forward(inputs: { question: string }): Promise<Prediction> {
    return this.generate.forward(inputs);
  }
}

/** Evaluate's own cost: a program that answers without any LM. */
class Echo extends Module {
  async forward(inputs: { question: string }): Promise<Prediction> {
    return new Prediction({ answer: inputs.question.replace('question', 'answer') });
  }
}

function examples(count: number): Example[] {
  return Array.from({ length: count }, (_, index) => new Example({ question: `question ${index}`, answer: `answer ${index}` }).withInputs('question'));
}

const logger = pino({ level: 'silent' });

/**
 * Optimizer and evaluation throughput: BootstrapFewShot over 100 examples on a 50 ms LM, Evaluate
 * of 1,000 examples on a 10 ms LM (targets < 1 s each, default concurrency), and Evaluate's
 * per-example overhead with an instant LM (target < 30 µs).
 */
export async function run(): Promise<void> {
  section('optimizers: BootstrapFewShot, 100 training examples, LM answering after 50 ms');
  const trainset = examples(100);
  const slowLM = new LatencyLM(50);
  // maxBootstrappedDemos 100 makes the teacher run every example (the default, 4, stops after 4 successes).
  const everyExample = new BootstrapFewShot({ metric: answerExactMatch, maxBootstrappedDemos: 100, displayProgress: false, logger });
  let demoCount = 0;
  await measure(
    'BootstrapFewShot.compile, every example (concurrency 16)',
    async () => {
      const compiled = await context({ lm: slowLM }, () => everyExample.compile(new QA(), { trainset }));
      demoCount = compiled.generate.demos.length;
    },
    { batch: 1, samples: 5, warmupSamples: 1, targetNs: 1e9 },
  );
  record('  demos per predictor after compile', String(demoCount));
  const defaults = new BootstrapFewShot({ metric: answerExactMatch, displayProgress: false, logger });
  await measure('BootstrapFewShot.compile, default options (stops after 4)', () => context({ lm: slowLM }, () => defaults.compile(new QA(), { trainset })), {
    batch: 1,
    samples: 5,
    warmupSamples: 1,
  });
  const sequential = new BootstrapFewShot({ metric: answerExactMatch, maxBootstrappedDemos: 100, concurrency: 1, displayProgress: false, logger });
  await measure(
    'BootstrapFewShot.compile, every example, concurrency 1 (DSPy)',
    () => context({ lm: slowLM }, () => sequential.compile(new QA(), { trainset: trainset.slice(0, 20) })),
    {
      batch: 1,
      samples: 1,
      warmupSamples: 0,
    },
  );
  record('  (20 examples only: 100 would take ~5 s)', '');

  section('evaluate: 1,000 examples, LM answering after 10 ms');
  const devset = examples(1000);
  const evaluate = new Evaluate({ devset, metric: answerExactMatch, logger });
  const tenMs = new LatencyLM(10);
  let score = 0;
  await measure(
    'Evaluate.run, 1,000 examples (concurrency 16)',
    async () => {
      score = (await context({ lm: tenMs }, () => evaluate.run(new QA()))).score;
    },
    { batch: 1, samples: 5, warmupSamples: 1, targetNs: 1e9 },
  );
  record('  score', String(score), '100', score === 100);

  section('evaluate: framework overhead per example (instant LM)');
  const instant = new LatencyLM(0);
  const program = new QA();
  const perExample = await measure('Evaluate.run, 1,000 examples of Predict on an instant LM', () => context({ lm: instant }, () => evaluate.run(program)), {
    batch: 1,
    samples: 20,
    warmupSamples: 5,
  });
  record('  per example (Evaluate + Predict + ChatAdapter)', formatDuration(perExample.medianNs / 1000), '< 30.00 µs', perExample.medianNs / 1000 < 30_000);
  const echo = new Echo();
  const evaluateOnly = await measure('Evaluate.run, 1,000 examples of a program without LM', () => evaluate.run(echo), {
    batch: 1,
    samples: 20,
    warmupSamples: 5,
  });
  record('  per example (Evaluate alone)', formatDuration(evaluateOnly.medianNs / 1000));
}

if (require.main === module) {
  run().catch((error: unknown) => {
    process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
    process.exitCode = 1;
  });
}
