import { validateOption } from '../util/validate-options';
import { promises as fs } from 'node:fs';
import PQueue from 'p-queue';
import {
  ConfigurationError,
  FileAccessError,
  InputValidationError,
  ParameterNotFoundError,
  StateValidationError,
  describeProblem,
  describeValue,
  configurationError,
} from '../errors';
import type { BaseLM } from '../lm/base-lm';
import { writeFileAtomically } from '../util/write-file-atomically';
import { VERSION } from '../version';
import { deepCopyModule } from './deep-copy';
import { Example } from './example';
import { MODULE_BRAND, isPredictor } from './module-brand';
import { assertNotShadowed, classInfoOf, parameterHandleOf, prepareModuleClass } from './module-class';
import { INTERNALS, internalsOf, newInternals } from './module-internals';
import { ambientParameterStore } from './parameter-store-scope';
import { dumpModuleState, loadModuleState, type LoadStateOptions, type ModuleState } from './module-state';
import { collectNamedParameters, collectNamedSubModules, findParameterHandle, replaceAtPath, type NamedParameterValue } from './named-members';
import type { ParameterHandle } from './parameter-handle';
import type { ParameterStore } from './parameter-store';
import type { Prediction } from './prediction';
import type { Predict } from '../predict/predict';

/** Options every `forward` accepts. */
export interface ForwardOptions {
  signal?: AbortSignal;
}

/** Options of `batch`. */
export interface BatchOptions {
  /** How many examples run at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * The base of every dspex program. Subclass it, declare members (decorated or plain), and
 * implement `forward`. The base gives DSPy's introspection (`namedParameters`, …), modes,
 * copies, state save/load and LM helpers.
 * @example
 * class QA extends Module {
 *   @Predictor('question -> answer', { module: ChainOfThought }) generate!: ChainOfThought;
 *   async forward(inputs: { question: string }) { return this.generate.forward(inputs); }
 * }
 */
export abstract class Module {
  declare readonly [MODULE_BRAND]: true;
  declare readonly [INTERNALS]: ReturnType<typeof newInternals>;

  constructor() {
    prepareModuleClass(new.target, Module.prototype);
    const internals = newInternals();
    internals.parameterStore = ambientParameterStore();
    Object.defineProperty(this, INTERNALS, { value: internals, enumerable: false, writable: false });
  }

  /** Runs the program on named inputs. */
  abstract forward(inputs: Record<string, unknown>, options?: ForwardOptions): Promise<Prediction>;

  /** True once an optimizer compiled this program; its predictors are then frozen for enclosing optimizers. */
  get compiled(): boolean {
    return internalsOf(this).compiled;
  }

  set compiled(value: boolean) {
    internalsOf(this).compiled = value === true;
  }

  /** True in training mode (set by `train()`, cleared by `eval()`). */
  get training(): boolean {
    return internalsOf(this).training;
  }

  set training(value: boolean) {
    internalsOf(this).training = value === true;
  }

  /** Switches this module and every sub-module to training mode. */
  train(): this {
    for (const [, module] of this.namedSubModules()) (module as Module).training = true;
    return this;
  }

  /** Switches this module and every sub-module to evaluation mode. */
  eval(): this {
    for (const [, module] of this.namedSubModules()) (module as Module).training = false;
    return this;
  }

  /** Scalar `@Parameter` handles and predictors, named as DSPy names them (`generate.predict`, `hops[0]`, `retrieve.k`). */
  namedParameters(): [string, NamedParameterValue][] {
    assertNotShadowed(this);
    return collectNamedParameters(this);
  }

  /** The values of `namedParameters()`. */
  parameters(): NamedParameterValue[] {
    return this.namedParameters().map(([, value]) => value);
  }

  /** The predictor entries of `namedParameters()`. */
  namedPredictors(): [string, Predict][] {
    return this.namedParameters().filter((entry): entry is [string, Predict] => isPredictor(entry[1]));
  }

  /** The values of `namedPredictors()`. */
  predictors(): Predict[] {
    return this.namedPredictors().map(([, predictor]) => predictor);
  }

  /** Every reachable module, breadth-first from `['self', this]` (DSPy's `named_sub_modules`). */
  namedSubModules(): [string, Module][] {
    assertNotShadowed(this);
    return collectNamedSubModules(this) as [string, Module][];
  }

  /**
   * The handle of the scalar parameter at `path` (`k`, `retrieve.k`, `hops[0].k`).
   * @throws {ParameterNotFoundError} PARAMETER_NOT_FOUND naming the known parameters.
   */
  parameter(path: string): ParameterHandle {
    assertNotShadowed(this);
    // Fast path for a member of this module itself.
    const handle = typeof path === 'string' && classInfoOf(this).parameters.has(path) ? parameterHandleOf(this, path) : findParameterHandle(this, String(path));
    if (handle === undefined) {
      const known = collectNamedParameters(this)
        .filter(([, value]) => !isPredictor(value))
        .map(([name]) => name);
      throw new ParameterNotFoundError(
        describeProblem(
          `${this.constructor.name} has no parameter "${String(path)}".`,
          describeValue(path),
          `Use one of: ${known.join(', ') || '(no scalar parameters)'}.`,
        ),
        { details: { path, known } },
      );
    }
    return handle;
  }

  /** The value of the scalar parameter at `path`. */
  getParameter(path: string): unknown {
    return this.parameter(path).value;
  }

  /**
   * Sets the scalar parameter at `path`, validated against its constraints.
   * @throws {ParameterNotFoundError} PARAMETER_NOT_FOUND; {ParameterValidationError} PARAMETER_INVALID (old value kept).
   */
  setParameter(path: string, value: unknown): void {
    this.parameter(path).assign(value);
  }

  /** A deep copy: sub-modules, predictors' demos and parameter values copied; LMs shared. */
  deepcopy(): this {
    assertNotShadowed(this);
    return deepCopyModule(this);
  }

  /** A deep copy whose predictors are reset (no demos, traces or LM), as DSPy's `reset_copy`. */
  resetCopy(): this {
    const copy = this.deepcopy();
    for (const predictor of copy.predictors()) predictor.reset();
    return copy;
  }

  /** DSPy's state layout (one entry per predictor) plus `parameters` for scalar parameters. */
  dumpState(): ModuleState {
    assertNotShadowed(this);
    return dumpModuleState(this);
  }

  /**
   * Applies saved state, all or nothing. LM endpoint and credential keys in saved `lm` entries are
   * dropped unless `allowUnsafeLmState`.
   * @throws {StateValidationError} STATE_INVALID; the module is unchanged.
   */
  loadState(state: ModuleState, options: LoadStateOptions = {}): this {
    assertNotShadowed(this);
    loadModuleState(this, state, options);
    notifyStateChange(this);
    return this;
  }

  /**
   * Writes `dumpState()` as JSON (2-space indent, trailing newline) with
   * `metadata: { dependency_versions: {}, dspex: { version } }`; DSPy can load the file. Atomic (temp file + rename).
   */
  async save(filePath: string): Promise<void> {
    if (typeof filePath !== 'string' || !filePath.endsWith('.json')) {
      throw new InputValidationError(describeProblem('save() writes JSON to a path ending in .json.', describeValue(filePath), "Pass e.g. 'program.json'."));
    }
    const document = { ...this.dumpState(), metadata: { dependency_versions: {}, dspex: { version: VERSION } } };
    try {
      await writeFileAtomically(filePath, `${JSON.stringify(document, null, 2)}\n`);
    } catch (error) {
      throw new FileAccessError(
        describeProblem(
          `Cannot write the program to "${filePath}".`,
          (error as NodeJS.ErrnoException).code ?? String(error),
          'Check that the folder exists and is writable.',
        ),
        { cause: error, details: { path: filePath } },
      );
    }
  }

  /**
   * Reads a JSON file written by `save()` (or by DSPy's `program.save()`) and applies it, all or nothing.
   * @throws {StateValidationError} STATE_INVALID for unreadable JSON or state that does not fit.
   */
  async load(filePath: string, options: LoadStateOptions = {}): Promise<this> {
    let text: string;
    try {
      text = await fs.readFile(filePath, 'utf8');
    } catch (error) {
      throw new FileAccessError(
        describeProblem(`Cannot read saved program "${filePath}".`, (error as NodeJS.ErrnoException).code ?? String(error), 'Check the path.'),
        {
          cause: error,
          details: { path: filePath },
        },
      );
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new StateValidationError(describeProblem(`Saved program "${filePath}" is not valid JSON.`, (error as Error).message, 'Re-save the program.'), {
        cause: error,
      });
    }
    return this.loadState(document as ModuleState, options);
  }

  /** Sets `lm` on every predictor. */
  setLM(lm: BaseLM | undefined): this {
    for (const predictor of this.predictors()) predictor.lm = lm;
    return this;
  }

  /**
   * The LM all predictors use.
   * @throws {ConfigurationError} CONFIGURATION_INVALID when predictors use different LMs.
   */
  getLM(): BaseLM | undefined {
    const lms = new Set(this.predictors().map((predictor) => predictor.lm));
    if (lms.size > 1) {
      throw new ConfigurationError(
        describeProblem('Predictors of this module use different LMs.', `${lms.size} distinct LMs`, 'Call setLM(lm) to use one, or read each predictor.lm.'),
      );
    }
    return [...lms][0] as BaseLM | undefined;
  }

  /** Replaces each predictor with `fn(predictor, name)`, in place; returns this. */
  mapNamedPredictors(fn: (predictor: Predict, name: string) => Predict): this {
    for (const [name, predictor] of this.namedPredictors()) replaceAtPath(this, name, fn(predictor, name));
    return this;
  }

  /**
   * Runs `forward` on each example (its `inputs()` when input keys are set), `concurrency` at a time;
   * results keep the examples' order. Rejects with the first error.
   */
  async batch(examples: readonly (Example | Record<string, unknown>)[], options: BatchOptions = {}): Promise<Prediction[]> {
    if (!Array.isArray(examples)) {
      throw new InputValidationError(describeProblem('batch takes an array of examples.', describeValue(examples), 'Pass [example, …].'));
    }
    const concurrency = options.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InputValidationError(
        describeProblem('batch concurrency must be a whole number ≥ 1.', describeValue(concurrency), 'Pass e.g. { concurrency: 4 }.'),
      );
    }
    const queue = new PQueue({ concurrency });
    const toInputs = (example: Example | Record<string, unknown>): Record<string, unknown> =>
      example instanceof Example ? (example.inputKeys === undefined ? example.toJSON() : example.inputs().toJSON()) : example;
    return Promise.all(examples.map((example) => queue.add(() => this.forward(toInputs(example), { signal: options.signal }))));
  }

  /**
   * Prints the last `n` LM calls made under this module's `forward` (each once, oldest first; the
   * module keeps its last 100, as DSPy keeps a history per module) to stdout and returns the text.
   */
  inspectHistory(n = 1): string {
    validateOption('module.inspectHistory', 'n', n, { kind: 'integer', min: 1 }, { error: configurationError });
    const calls = internalsOf(this).history?.last(n) ?? [];
    const text = calls.map((call) => call.render()).join('');
    process.stdout.write(text);
    return text;
  }
}

Object.defineProperty(Module.prototype, MODULE_BRAND, { value: true });

function notifyStateChange(module: Module): void {
  const listeners = internalsOf(module).stateListeners;
  if (listeners === undefined) return;
  for (const listener of [...listeners]) listener();
}

/**
 * Binds every `@Parameter({ shared })` of `module` and its sub-modules to `store`
 * (the supervisor does this for each instance it starts). Internal.
 */
export function bindParameterStore(module: Module, store: ParameterStore): void {
  for (const [, sub] of module.namedSubModules()) {
    const internals = internalsOf(sub);
    internals.parameterStore = store;
    for (const name of classInfoOf(sub).parameters.keys()) parameterHandleOf(sub, name).bindStore(store);
  }
}

/** Calls `listener` whenever a parameter of `module` (or a sub-module) is set or state is loaded. Internal. */
export function onStateChange(module: Module, listener: () => void): () => void {
  const modules = module.namedSubModules().map(([, sub]) => sub);
  for (const sub of modules) {
    const internals = internalsOf(sub);
    internals.stateListeners ??= new Set();
    internals.stateListeners.add(listener);
  }
  return () => {
    for (const sub of modules) internalsOf(sub).stateListeners?.delete(listener);
  };
}
