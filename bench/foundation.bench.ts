import { IsInt, Max, Min } from 'class-validator';
import { BaseLM, ChainOfThought, Example, Module, Parameter, Predict, Prediction, Predictor, type ChatMessage, type LMCallOptions, type LMOutput } from 'dspex';
import { measure, record, section } from './harness';

/** An LM that answers at once with a fixed reply: what remains is framework overhead. */
class InstantLM extends BaseLM {
  constructor(private readonly reply: string) {
    super('instant', { cache: false });
  }

  async forward(_messages: readonly ChatMessage[], _options: LMCallOptions): Promise<LMOutput> {
    return { outputs: [this.reply] };
  }

  copy(): InstantLM {
    return new InstantLM(this.reply);
  }
}

class Tunable extends Module {
  @Parameter() @IsInt() @Min(1) @Max(1000) k = 3;

  async forward(): Promise<Prediction> {
    return new Prediction();
  }
}

class TwoPredictors extends Module {
  @Predictor('question -> answer') first!: Predict;
  @Predictor('context, question -> answer', { module: ChainOfThought }) second!: ChainOfThought;

  async forward(inputs: { question: string }): Promise<Prediction> {
    return this.first.forward(inputs);
  }
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export async function run(): Promise<void> {
  section('foundation: parameters');
  const tunable = new Tunable();
  await measure('parameter get: module.getParameter("k")', () => tunable.getParameter('k'), { batch: 1000, targetNs: 1_000 });
  await measure('parameter get: module.k (accessor)', () => tunable.k, { batch: 1000, targetNs: 1_000 });
  let next = 1;
  await measure('validated set: module.setParameter("k", v)', () => tunable.setParameter('k', (next = (next % 1000) + 1)), { batch: 1000, targetNs: 10_000 });

  section('foundation: Predict.forward overhead (instant LM)');
  const simple = new Predict('question -> answer');
  const simpleLM = new InstantLM('[[ ## answer ## ]]\nParis');
  await measure('Predict.forward  question -> answer', () => simple.forward({ question: 'What is the capital of France?' }, { lm: simpleLM }), {
    batch: 200,
    targetNs: 20_000,
  });
  const rich = new Predict('context, question, style -> answer: int');
  rich.demos = [1, 2, 3].map((index) => new Example({ context: `fact ${index}`, question: `question ${index}?`, style: 'terse', answer: index }));
  const richLM = new InstantLM('[[ ## answer ## ]]\n42');
  await measure('Predict.forward  3 inputs -> answer: int, 3 demos', () => rich.forward({ context: 'c', question: 'q?', style: 'terse' }, { lm: richLM }), {
    batch: 200,
    targetNs: 25_000,
  });
  record('  (Ax, for scale: ~80 µs and ~100 µs per call on this kind of machine)', '', undefined);

  section('foundation: construction of a module with two predictors (10,000 instances)');
  const count = 10_000;
  const keep: TwoPredictors[] = new Array(count);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    const instance = new TwoPredictors();
    // Touch the members so the lazily created predictors exist (as after first use).
    void instance.first;
    void instance.second;
    keep[index] = instance;
  }
  const perInstanceNs = Number(process.hrtime.bigint() - start) / count;
  gc();
  const perInstanceBytes = (process.memoryUsage().heapUsed - heapBefore) / count;
  record('construction per instance (mean of 10,000, predictors created)', `${(perInstanceNs / 1000).toFixed(2)} µs`, '< 20 µs', perInstanceNs < 20_000);
  record('heap per instance', `${(perInstanceBytes / 1024).toFixed(2)} KiB`, '< 4 KiB', perInstanceBytes < 4096);
  keep.length = 0;

  section('foundation: heap retained per call (after histories fill)');
  const lm = new InstantLM('[[ ## answer ## ]]\nParis');
  const predict = new Predict('question -> answer');
  for (let index = 0; index < 12_000; index += 1) await predict.forward({ question: 'q' }, { lm });
  const calls = 20_000;
  const heapAfter: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    gc();
    heapAfter.push(process.memoryUsage().heapUsed);
    for (let index = 0; index < calls; index += 1) await predict.forward({ question: 'q' }, { lm });
  }
  gc();
  heapAfter.push(process.memoryUsage().heapUsed);
  // The largest growth over three rounds of 20,000 calls, once every history is full.
  const retainedPerCall = Math.max(...heapAfter.slice(1).map((heap, index) => heap - heapAfter[index])) / calls;
  record('heap retained per call (worst of 3 × 20,000 calls)', `${retainedPerCall.toFixed(1)} B`, '≈ 0 B', retainedPerCall < 16);
}
