import { createProgressDisplay } from '../evaluate/progress-display';
import type { Metric } from '../evaluate/metric';
import { getRootLogger, LOGGER_OPTION_RULE, type Logger } from '../logging/logger';
import type { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import type { Settings } from '../settings/settings';
import type { OptionRules } from '../util/validate-options';
import { bootstrapTraces } from './bootstrap-traces';
import { labelDemos } from './labeled-few-shot';
import { checkCompileRequest, CONCURRENCY_RULE, COUNT_RULE, MAX_ERRORS_RULE, METRIC_RULE, optimizerFail, validateOptimizerOptions } from './optimizer-options';
import { SeededRandom } from '../util/seeded-random';
import type { CompileOptions, Teleprompter } from './teleprompter';

/** Options of `new BootstrapFewShot(options)`: DSPy's, camelCased, plus `concurrency` and progress. */
export interface BootstrapFewShotOptions {
  /** Decides whether a teacher run is good enough to become a demo: `metric(example, prediction, trace)`. Without one, every run that does not throw is kept. */
  metric?: Metric;
  /** When set (and non-zero), a run is kept when the metric's value is at least this; otherwise when the value is truthy. */
  metricThreshold?: number;
  /** Settings the teacher runs under (`context()` keys, e.g. `{ lm: strongerLM }`). */
  teacherSettings?: Partial<Settings>;
  /** Bootstrapped (teacher-generated) demos per predictor, and how many successful examples to collect (default 4). */
  maxBootstrappedDemos?: number;
  /** Labeled training examples per predictor: the teacher's demos, and the student's remaining slots (default 16). */
  maxLabeledDemos?: number;
  /** Attempts per training example; rounds after the first use the LM at temperature 1 with a new rollout id (default 1). */
  maxRounds?: number;
  /** The compile fails once this many teacher runs or metric calls have thrown (default 10). */
  maxErrors?: number;
  /** Training examples run at once (default 16); the result is the same as running them one by one. */
  concurrency?: number;
  /** A progress bar on a terminal (default true; silent when not a TTY). */
  displayProgress?: boolean;
  logger?: Logger;
}

/** The rules of `BootstrapFewShotOptions` (random search takes them too). */
export const BOOTSTRAP_OPTION_RULES: OptionRules = {
  metric: METRIC_RULE,
  metricThreshold: { kind: 'number' },
  teacherSettings: { kind: 'object' },
  maxBootstrappedDemos: COUNT_RULE,
  maxLabeledDemos: COUNT_RULE,
  maxRounds: { kind: 'integer', min: 1 },
  maxErrors: MAX_ERRORS_RULE,
  concurrency: CONCURRENCY_RULE,
  displayProgress: { kind: 'boolean' },
  logger: LOGGER_OPTION_RULE,
};

/**
 * DSPy's `BootstrapFewShot`: runs a teacher (by default the student with labeled demos) on the
 * training examples; each run the metric accepts becomes a demo (`augmented: true`) for every
 * predictor it went through. Each predictor of the compiled copy gets up to `maxBootstrappedDemos`
 * of them, then labeled examples up to `maxLabeledDemos`.
 * @example
 * const optimizer = new BootstrapFewShot({ metric: answerExactMatch, maxBootstrappedDemos: 4 });
 * const compiled = await optimizer.compile(program, { trainset });
 */
export class BootstrapFewShot implements Teleprompter {
  readonly metric: Metric | undefined;
  readonly metricThreshold: number | undefined;
  readonly teacherSettings: Partial<Settings>;
  readonly maxBootstrappedDemos: number;
  readonly maxLabeledDemos: number;
  readonly maxRounds: number;
  readonly maxErrors: number;
  readonly concurrency: number;
  readonly displayProgress: boolean;
  readonly #log: Logger;

  /** @throws {OptimizerError} OPTIMIZER_INVALID for a negative count, a non-function metric or an unknown option. */
  constructor(options: BootstrapFewShotOptions = {}) {
    const owner = 'BootstrapFewShot';
    const checked = validateOptimizerOptions(owner, options, BOOTSTRAP_OPTION_RULES);
    this.metric = checked.metric;
    this.metricThreshold = checked.metricThreshold;
    this.teacherSettings = { ...checked.teacherSettings };
    this.maxBootstrappedDemos = checked.maxBootstrappedDemos ?? 4;
    this.maxLabeledDemos = checked.maxLabeledDemos ?? 16;
    this.maxRounds = checked.maxRounds ?? 1;
    this.maxErrors = checked.maxErrors ?? 10;
    this.concurrency = checked.concurrency ?? 16;
    this.displayProgress = checked.displayProgress ?? true;
    this.#log = (checked.logger ?? getRootLogger()).child({ component: 'bootstrap-few-shot' });
  }

  /**
   * A reset copy of `student` with bootstrapped and labeled demos, `compiled === true`.
   * `valset` is not used by this optimizer.
   * @throws {OptimizerError} OPTIMIZER_INVALID for an empty trainset, a compiled student, a student without predictors, or a teacher whose predictors differ.
   * @throws {EvaluationError} EVALUATION_FAILED when teacher runs fail `maxErrors` times or the metric returns a wrong type.
   * @throws the caller's `signal.reason` when cancelled.
   */
  async compile<T extends Module>(student: T, options: CompileOptions): Promise<T> {
    const owner = 'BootstrapFewShot';
    const signal = checkCompileRequest(owner, student, options);
    const trainset = options.trainset;

    const compiled = student.resetCopy();
    let teacher: Module = (options.teacher ?? student).deepcopy();
    if (this.maxLabeledDemos > 0 && !teacher.compiled) teacher = labelDemos(teacher, trainset, this.maxLabeledDemos, true);
    assertSameStructure(compiled, teacher);

    const progress = createProgressDisplay({ isEnabled: this.displayProgress, total: trainset.length, label: 'Bootstrap' });
    let outcome;
    try {
      outcome = await bootstrapTraces({
        teacher,
        trainset,
        metric: this.metric,
        metricThreshold: this.metricThreshold,
        teacherSettings: this.teacherSettings,
        maxBootstraps: this.maxBootstrappedDemos,
        maxRounds: this.maxRounds,
        maxErrors: this.maxErrors,
        concurrency: this.concurrency,
        signal,
        log: this.#log,
        progress,
      });
    } finally {
      progress.stop();
    }

    // DSPy's `_train`: the examples that gave no trace, shuffled, are the pool for labeled demos.
    const unused: Example[] = trainset.filter((_, index) => !outcome.bootstrapped.has(index));
    new SeededRandom(0).shuffle(unused);
    const random = new SeededRandom(0);
    let labeled: readonly Example[] = unused;
    for (const [name, predictor] of compiled.namedPredictors()) {
      const augmented = (outcome.traces.get(name) ?? []).slice(0, this.maxBootstrappedDemos);
      const size = Math.max(0, Math.min(this.maxLabeledDemos - augmented.length, labeled.length));
      // As DSPy, each predictor samples from the previous predictor's sample.
      labeled = random.sample(labeled, size);
      predictor.demos = [...augmented, ...labeled];
    }
    compiled.compiled = true;
    return compiled;
  }
}

/**
 * Student and teacher must have the same predictors (names in order, equal signatures) and no
 * predictor object in common.
 * @throws {OptimizerError} OPTIMIZER_INVALID naming the first difference.
 */
function assertSameStructure(student: Module, teacher: Module): void {
  const owner = 'BootstrapFewShot';
  const studentPredictors = student.namedPredictors();
  const teacherPredictors = teacher.namedPredictors();
  const studentNames = studentPredictors.map(([name]) => name);
  const teacherNames = teacherPredictors.map(([name]) => name);
  if (studentNames.join('\n') !== teacherNames.join('\n')) {
    optimizerFail(
      owner,
      'student and teacher must have the same predictors, in the same order.',
      `student ${studentNames.join(', ')}; teacher ${teacherNames.join(', ')}`,
      'Use a teacher of the same program class.',
      {
        option: 'teacher',
      },
    );
  }
  studentPredictors.forEach(([name, predictor], index) => {
    const other = teacherPredictors[index][1];
    if (!predictor.signature.equals(other.signature)) {
      optimizerFail(
        owner,
        `student and teacher predictor "${name}" have different signatures.`,
        `${predictor.signature.toString()} vs ${other.signature.toString()}`,
        'Give the teacher the same signatures.',
        {
          option: 'teacher',
          predictor: name,
        },
      );
    }
    if (predictor === other)
      optimizerFail(owner, `student and teacher share predictor "${name}".`, name, 'Pass a separate teacher instance.', { option: 'teacher', predictor: name });
  });
}
