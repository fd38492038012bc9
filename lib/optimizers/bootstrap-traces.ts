import { EvaluationError, describeProblem } from '../errors';
import { inputsOf } from '../evaluate/example-set';
import { checkMetricValue, isInvalidMetricValueError, metricNumber, type Metric } from '../evaluate/metric';
import type { ProgressDisplay } from '../evaluate/progress-display';
import type { Logger } from '../logging/logger';
import { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import type { Prediction } from '../primitives/prediction';
import { context, currentSettings, type Settings, type TraceEntry } from '../settings/settings';
import { SeededRandom } from '../util/seeded-random';

/** What the bootstrap loop needs (BootstrapFewShot's options, resolved). */
export interface BootstrapRequest {
  teacher: Module;
  trainset: readonly Example[];
  metric: Metric | undefined;
  metricThreshold: number | undefined;
  teacherSettings: Partial<Settings>;
  /** Stop once this many examples produced a successful trace. */
  maxBootstraps: number;
  maxRounds: number;
  maxErrors: number;
  /** Examples run at once. */
  concurrency: number;
  signal: AbortSignal | undefined;
  log: Logger;
  progress: ProgressDisplay;
}

/** The bootstrapped demos per predictor name, and which training examples produced them. */
export interface BootstrapOutcome {
  traces: Map<string, Example[]>;
  bootstrapped: Set<number>;
}

/** One round of one example. */
type Attempt = { kind: 'success'; demos: Map<string, Example[]> } | { kind: 'failure' } | { kind: 'error'; error: unknown } | { kind: 'fatal'; error: unknown };

/**
 * DSPy's `BootstrapFewShot._bootstrap`, run with bounded concurrency but decided in trainset order:
 * examples start ahead of time (at most `concurrency`, and never more than could still be needed),
 * while successes, errors and the stop rule are applied one example at a time in order, so the
 * result is the one the sequential algorithm gives. Results of examples past the stop point are discarded.
 * @throws {EvaluationError} EVALUATION_FAILED when errors reach `maxErrors` (cause: the last one) or the metric returns a wrong type; the caller's `signal.reason`.
 */
export async function bootstrapTraces(request: BootstrapRequest): Promise<BootstrapOutcome> {
  const { trainset, maxBootstraps, log } = request;
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(request.signal?.reason);
  request.signal?.addEventListener('abort', forwardAbort, { once: true });
  const runner = new TeacherRunner(request, controller.signal);
  const traces = new Map(request.teacher.namedPredictors().map(([name]) => [name, [] as Example[]]));
  const bootstrapped = new Set<number>();
  const running = new Map<number, Promise<Attempt[]>>();
  let nextToStart = 0;
  let attemptCount = 0;
  let errorCount = 0;
  let consumed = 0;
  try {
    for (let index = 0; index < trainset.length && bootstrapped.size < maxBootstraps; index += 1) {
      const window = Math.min(request.concurrency, maxBootstraps - bootstrapped.size);
      while (nextToStart < trainset.length && (nextToStart <= index || running.size < window)) {
        running.set(nextToStart, runner.attempt(trainset[nextToStart], nextToStart));
        nextToStart += 1;
      }
      const attempts = await running.get(index)!;
      running.delete(index);
      request.signal?.throwIfAborted();
      for (const attempt of attempts) {
        attemptCount += 1;
        if (attempt.kind === 'fatal') throw attempt.error;
        if (attempt.kind === 'error') {
          errorCount += 1;
          log.error({ err: attempt.error, example: index }, 'failed to run or to evaluate example');
          if (errorCount >= request.maxErrors) throw tooManyErrors(errorCount, request.maxErrors, attempt.error);
        }
        if (attempt.kind === 'success') {
          for (const [name, demos] of attempt.demos) traces.get(name)?.push(...demos);
          bootstrapped.add(index);
          break;
        }
      }
      consumed = index + 1;
      request.progress.update(consumed, `${bootstrapped.size} traces`);
    }
  } finally {
    request.signal?.removeEventListener('abort', forwardAbort);
    // Examples started past the stop point are cancelled, and awaited so nothing outlives the compile.
    controller.abort(new Error('bootstrap finished'));
    await Promise.all(running.values());
  }
  log.info({ bootstrapped: bootstrapped.size, examples: consumed, maxRounds: request.maxRounds, attempts: attemptCount }, 'bootstrap finished');
  return { traces, bootstrapped };
}

function tooManyErrors(errorCount: number, maxErrors: number, cause: unknown): EvaluationError {
  return new EvaluationError(
    describeProblem(
      `Bootstrapping stopped after ${errorCount} failed run(s) of the teacher or metric (maxErrors ${maxErrors}).`,
      cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
      'See the cause for the last failure; fix the program or metric, or raise maxErrors.',
    ),
    { cause, details: { errorCount, maxErrors } },
  );
}

/** Runs the teacher on one example for up to `maxRounds` rounds, each under a fresh trace. */
class TeacherRunner {
  readonly #request: BootstrapRequest;
  readonly #signal: AbortSignal;
  readonly #names: Map<object, string>;
  readonly #demoKeys = new Map<object, string | undefined>();

  constructor(request: BootstrapRequest, signal: AbortSignal) {
    this.#request = request;
    this.#signal = signal;
    this.#names = new Map(request.teacher.namedPredictors().map(([name, predictor]) => [predictor, name]));
  }

  /** Every round until the first success (or a fatal error); never rejects. */
  async attempt(example: Example, index: number): Promise<Attempt[]> {
    const attempts: Attempt[] = [];
    const { program, names } = this.#teacherWithout(example);
    for (let round = 0; round < this.#request.maxRounds && !this.#signal.aborted; round += 1) {
      try {
        const attempt = await this.#round(program, names, example, index, round);
        attempts.push(attempt);
        if (attempt.kind === 'success') break;
      } catch (error) {
        if (this.#signal.aborted) break;
        const isFatal = isInvalidMetricValueError(error);
        attempts.push({ kind: isFatal ? 'fatal' : 'error', error });
        if (isFatal) break;
      }
    }
    return attempts;
  }

  /**
   * The teacher with `example` removed from its predictors' demos, so it cannot copy the answer
   * (DSPy removes it in place for the run; a copy keeps concurrent runs apart).
   */
  #teacherWithout(example: Example): { program: Module; names: Map<object, string> } {
    const { teacher } = this.#request;
    const key = stableKey(example);
    const isSame = (demo: unknown): boolean => demo === example || (key !== undefined && this.#keyOf(demo) === key);
    if (!teacher.predictors().some((predictor) => predictor.demos.some(isSame))) return { program: teacher, names: this.#names };
    const program = teacher.deepcopy();
    for (const predictor of program.predictors()) predictor.demos = predictor.demos.filter((demo) => !isSame(demo));
    return { program, names: new Map(program.namedPredictors().map(([name, predictor]) => [predictor, name])) };
  }

  #keyOf(demo: unknown): string | undefined {
    if (!this.#demoKeys.has(demo as object)) this.#demoKeys.set(demo as object, stableKey(demo));
    return this.#demoKeys.get(demo as object);
  }

  async #round(program: Module, names: Map<object, string>, example: Example, index: number, round: number): Promise<Attempt> {
    const { metric, metricThreshold, teacherSettings } = this.#request;
    const trace: TraceEntry[] = [];
    return context({ ...teacherSettings, trace }, async () => {
      // Later rounds use a copy of the LM at temperature 1 with its own rollout id, to get past the cache.
      const base = currentSettings().lm;
      const lm = round > 0 && base !== undefined ? base.copy({ rolloutId: round, temperature: 1 }) : undefined;
      const inputs = inputsOf(example);
      const run = (): Promise<Prediction> => program.forward(inputs, { signal: this.#signal });
      const prediction = lm === undefined ? await run() : await context({ lm }, run);
      const steps = [...trace];
      let isSuccess = true;
      if (metric !== undefined) {
        const value = checkMetricValue(await metric(example, prediction, steps), metric, index);
        // DSPy compares with the threshold only when it is set and non-zero; otherwise truthiness decides.
        isSuccess = metricThreshold ? metricNumber(value) >= metricThreshold : Boolean(value);
      }
      return isSuccess ? { kind: 'success', demos: demosFromTrace(steps, names) } : { kind: 'failure' };
    });
  }
}

/**
 * Each traced predictor call becomes `Example({ augmented: true, ...inputs, ...outputs })` under its
 * predictor's name; when one predictor ran several times, one call is chosen with a generator
 * seeded by the demos (DSPy: the last one or one of the others, 50/50).
 */
function demosFromTrace(steps: readonly TraceEntry[], names: Map<object, string>): Map<string, Example[]> {
  const grouped = new Map<string, Example[]>();
  for (const step of steps) {
    const name = names.get(step.predictor);
    if (name === undefined) continue;
    const demo = new Example({ augmented: true, ...step.inputs, ...(step.prediction as Prediction).toJSON() });
    grouped.set(name, [...(grouped.get(name) ?? []), demo]);
  }
  for (const [name, demos] of grouped) {
    if (demos.length < 2) continue;
    const random = new SeededRandom(stableKey(demos) ?? String(demos.length));
    grouped.set(name, [random.random() < 0.5 ? random.choice(demos.slice(0, -1)) : demos[demos.length - 1]]);
  }
  return grouped;
}

/**
 * A comparison key for demos and examples: their fields as JSON (DSPy compares Examples by their
 * fields); undefined for values JSON cannot hold, which then compare by identity only.
 */
function stableKey(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
