import { Module, type ForwardOptions } from '../primitives/module';
import { isModule } from '../primitives/module-brand';
import { Prediction } from '../primitives/prediction';
import { isPlainObject } from '../util/is-plain-object';
import type { OptionRules } from '../util/validate-options';
import { COUNT_RULE, optimizerFail, validateOptimizerOptions } from './optimizer-options';
import { SeededRandom } from '../util/seeded-random';

/** Combines the predictions of the ensembled programs into one, e.g. `majority`. May be async. */
export type ReduceFunction = (predictions: Prediction[]) => Prediction | Promise<Prediction>;

/** Options of `new Ensemble(options)`. */
export interface EnsembleOptions {
  /** Combines the programs' predictions (e.g. `majority`); without one, a Prediction whose `completions` are every program's output. */
  reduceFn?: ReduceFunction;
  /** Programs run per call, drawn at random (default all of them). */
  size?: number;
  /** Seeds the draw of `size` programs, so a sequence of calls is reproducible (default 0). */
  seed?: number;
}

const OPTION_RULES: OptionRules = { reduceFn: { kind: 'function' }, size: { kind: 'integer', min: 1 }, seed: COUNT_RULE };

/**
 * The program `Ensemble.compile` returns: runs its `programs` (or `size` of them drawn at
 * random) on the same inputs, side by side, and reduces their predictions.
 */
export class EnsembledProgram<T extends Module = Module> extends Module {
  programs: T[];
  reduceFn: ReduceFunction | undefined;
  size: number | undefined;
  random: SeededRandom;

  constructor(programs: T[], options: { reduceFn?: ReduceFunction; size?: number; random: SeededRandom }) {
    super();
    this.programs = programs;
    this.reduceFn = options.reduceFn;
    this.size = options.size;
    this.random = options.random;
  }

  /**
   * Runs the chosen programs concurrently (results in program order) and reduces them.
   * @throws {OptimizerError} OPTIMIZER_INVALID when `reduceFn` returns something other than a Prediction; whatever a program throws.
   */
  async forward(inputs: Record<string, unknown>, options: ForwardOptions = {}): Promise<Prediction> {
    const chosen = this.size === undefined ? this.programs : this.random.sample(this.programs, this.size);
    const predictions = await Promise.all(chosen.map((program) => program.forward({ ...inputs }, options)));
    if (this.reduceFn === undefined) return Prediction.fromCompletions(predictions.map((prediction) => prediction.toJSON()));
    const reduced: unknown = await this.reduceFn(predictions);
    if (reduced instanceof Prediction) return reduced;
    if (isPlainObject(reduced)) return new Prediction(reduced);
    return optimizerFail('Ensemble', 'reduceFn must return a Prediction.', reduced, 'Return one of the predictions, or majority(predictions).', {
      option: 'reduceFn',
    });
  }
}

/**
 * DSPy's `Ensemble`: `compile(programs)` returns one program that runs them all (or `size` of them
 * per call) and combines their predictions with `reduceFn`, e.g. `majority`.
 * @example
 * const ensemble = new Ensemble({ reduceFn: majority }).compile([programA, programB, programC]);
 * const prediction = await ensemble.forward({ question });
 */
export class Ensemble {
  readonly reduceFn: ReduceFunction | undefined;
  readonly size: number | undefined;
  readonly seed: number;

  /** @throws {OptimizerError} OPTIMIZER_INVALID for a non-function `reduceFn`, `size` < 1 or an unknown option. */
  constructor(options: EnsembleOptions = {}) {
    const { reduceFn, size, seed = 0 } = validateOptimizerOptions('Ensemble', options, OPTION_RULES);
    this.reduceFn = reduceFn;
    this.size = size;
    this.seed = seed;
  }

  /**
   * One program over deep copies of `programs` (`compiled === true`); the originals are untouched.
   * @throws {OptimizerError} OPTIMIZER_INVALID for an empty list, a non-module, or `size` larger than the list.
   */
  compile<T extends Module>(programs: readonly T[]): EnsembledProgram<T> {
    if (!Array.isArray(programs) || programs.length === 0) {
      optimizerFail('Ensemble', 'compile() needs a non-empty list of programs.', programs, 'Pass e.g. ensemble.compile([programA, programB]).', {
        option: 'programs',
      });
    }
    const index = programs.findIndex((program) => !isModule(program));
    if (index >= 0)
      optimizerFail('Ensemble', `programs[${index}] is not a Module.`, programs[index], 'Pass only programs (Module instances).', {
        option: 'programs',
        index,
      });
    if (this.size !== undefined && this.size > programs.length) {
      optimizerFail(
        'Ensemble',
        `size ${this.size} is larger than the ${programs.length} program(s) given.`,
        this.size,
        'Pass fewer as size, or more programs.',
        { option: 'size' },
      );
    }
    const ensembled = new EnsembledProgram(
      programs.map((program) => program.deepcopy()),
      { reduceFn: this.reduceFn, size: this.size, random: new SeededRandom(this.seed) },
    );
    ensembled.compiled = true;
    return ensembled;
  }
}
