import { DspexError, StateValidationError, describeProblem, describeValue } from '../errors';
import { isPlainObject } from '../util/is-plain-object';
import { exceedsNestingDepth, MAX_NESTING_DEPTH } from '../util/nesting-depth';
import { isUnsafeKey } from '../util/unsafe-keys';
import { collectNamedParameters, findParameterHandle } from './named-members';
import { ParameterHandle } from './parameter-handle';
import { isPredictor, type PredictorContract } from './module-brand';

/** A module's saved state: DSPy's layout (one entry per predictor) plus dspex's `parameters`. */
export interface ModuleState {
  [predictorName: string]: unknown;
  parameters?: Record<string, unknown>;
}

/** Options of `loadState` / `load`. */
export interface LoadStateOptions {
  /** Keep LM endpoint/credential keys from the file (DSPy's `allow_unsafe_lm_state`); only for trusted files. */
  allowUnsafeLmState?: boolean;
}

/** The key under which dspex saves scalar parameters, beside DSPy's predictor entries. */
export const PARAMETERS_KEY = 'parameters';
const METADATA_KEY = 'metadata';

/** `dumpState()`: each predictor's DSPy state by name, then `parameters` (path → value) when there are any. */
export function dumpModuleState(module: object): ModuleState {
  const state: ModuleState = {};
  const parameters: Record<string, unknown> = {};
  let hasParameters = false;
  for (const [name, value] of collectNamedParameters(module)) {
    if (value instanceof ParameterHandle) {
      parameters[name] = jsonCopy(value.value);
      hasParameters = true;
    } else {
      state[name] = value.dumpState();
    }
  }
  if (hasParameters) state[PARAMETERS_KEY] = parameters;
  return state;
}

function jsonCopy(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

// A predictor's record lists; their records' field values are data (an LM's output may hold any key).
const RECORD_LISTS: ReadonlySet<string> = new Set(['demos', 'traces', 'train']);

function unsafeKeyError(key: string, path: string): StateValidationError {
  return new StateValidationError(
    describeProblem(`Saved state has a forbidden key "${key}" at ${path}.`, key, 'Remove it; state files must not carry prototype keys.'),
    {
      details: { path, key },
    },
  );
}

/**
 * Rejects `__proto__`, `constructor` and `prototype` keys where loaded state names things
 * (predictors, entries, field names, parameters, LM settings). Inside a demo's (or trace's) field
 * values they are data, kept as own keys by every copy, so state dspex saved always loads back.
 * `recordListDepth` is how deep the `demos`/`traces`/`train` keys sit (1 in a module state, 0 in a predictor's).
 */
function assertNoUnsafeKeys(value: unknown, path: string, recordListDepth: number, depth = 0): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertNoUnsafeKeys(item, `${path}[${index}]`, recordListDepth, depth + 1));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (isUnsafeKey(key)) throw unsafeKeyError(key, path);
    if (depth === recordListDepth && RECORD_LISTS.has(key) && Array.isArray(item)) {
      item.forEach((record, index) => {
        if (record === null || typeof record !== 'object') return;
        for (const field of Object.keys(record)) if (isUnsafeKey(field)) throw unsafeKeyError(field, `${path}.${key}[${index}]`);
      });
    } else {
      assertNoUnsafeKeys(item, `${path}.${key}`, recordListDepth, depth + 1);
    }
  }
}

/**
 * The checks every loaded state passes before anything reads it: nesting within
 * `MAX_NESTING_DEPTH` (no cycles), and no prototype keys where the state names things.
 * @throws {StateValidationError} STATE_INVALID
 */
export function assertLoadableState(state: unknown, recordListDepth: number): void {
  if (exceedsNestingDepth(state)) {
    throw new StateValidationError(
      describeProblem(
        `Saved state nests more than ${MAX_NESTING_DEPTH} levels deep (or holds a cycle).`,
        'a deeper value',
        'Load state written by dumpState() or save(); DSPy state is never this deep.',
      ),
      { details: { maxDepth: MAX_NESTING_DEPTH } },
    );
  }
  assertNoUnsafeKeys(state, 'state', recordListDepth);
}

/** Runs a validation step, turning anything but a DspexError (a malformed value a reader did not expect) into STATE_INVALID. */
function validatingStep<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (DspexError.is(error)) throw error;
    throw new StateValidationError(
      describeProblem('Saved state could not be read.', error instanceof Error ? error.message : String(error), 'Load state written by dumpState() or save().'),
      {
        cause: error,
      },
    );
  }
}

/**
 * A standalone predictor's `loadState`: the same checks as a module's, then the predictor's own
 * validation, then the change, all or nothing.
 * @throws {StateValidationError} STATE_INVALID; the predictor is unchanged.
 */
export function loadPredictorState(predictor: PredictorContract, state: unknown, options: LoadStateOptions & { name: string }): void {
  validatingStep(() => assertLoadableState(state, 0));
  validatingStep(() => predictor.prepareLoadState(state, options))();
}

/**
 * `loadState()`: validates everything first, then applies it, so a bad state changes nothing.
 * Predictors are matched by name (a missing one is an error; extra entries such as `metadata` are
 * ignored, as DSPy); `parameters` paths must name scalar parameters and pass their constraints.
 * @throws {StateValidationError} STATE_INVALID
 */
export function loadModuleState(module: object, state: unknown, options: LoadStateOptions = {}): void {
  if (!isPlainObject(state)) {
    throw new StateValidationError(
      describeProblem('Module state must be an object keyed by predictor name.', describeValue(state), 'Pass what dumpState() or DSPy save() produced.'),
    );
  }
  const commits = validatingStep(() => prepareModuleState(module, state, options));
  for (const commit of commits) commit();
}

function prepareModuleState(module: object, state: Record<string, unknown>, options: LoadStateOptions): (() => void)[] {
  assertLoadableState(state, 1);
  const commits: (() => void)[] = [];
  const predictors: [string, PredictorContract][] = [];
  const scalarNames = new Set<string>();
  for (const [name, value] of collectNamedParameters(module)) {
    if (isPredictor(value)) predictors.push([name, value]);
    else scalarNames.add(name);
  }
  const missing = predictors.filter(([name]) => !(name in state)).map(([name]) => name);
  if (missing.length > 0) {
    throw new StateValidationError(
      describeProblem(
        `Saved state has no entry for predictor(s) ${missing.join(', ')}.`,
        `entries ${
          Object.keys(state)
            .filter((key) => key !== METADATA_KEY)
            .join(', ') || '(none)'
        }`,
        'Load state saved from the same program structure, or rename the attributes to match.',
      ),
      { details: { missing } },
    );
  }
  for (const [name, predictor] of predictors) commits.push(predictor.prepareLoadState(state[name], { ...options, name }));
  const parameters = state[PARAMETERS_KEY];
  if (parameters !== undefined && !predictors.some(([name]) => name === PARAMETERS_KEY)) {
    if (!isPlainObject(parameters)) {
      throw new StateValidationError(
        describeProblem('"parameters" must map parameter paths to values.', describeValue(parameters), 'Use { "retrieve.k": 5 }.'),
      );
    }
    for (const [path, value] of Object.entries(parameters)) {
      const handle = scalarNames.has(path) ? findParameterHandle(module, path) : undefined;
      if (handle === undefined) {
        throw new StateValidationError(
          describeProblem(
            `Saved parameter "${path}" is not a parameter of ${module.constructor.name}.`,
            path,
            `Known parameters: ${[...scalarNames].join(', ') || '(none)'}.`,
          ),
          { details: { parameter: path } },
        );
      }
      const problems = handle.check(value);
      if (problems.length > 0) {
        throw new StateValidationError(
          describeProblem(`Saved parameter "${path}" is invalid: ${problems.join('; ')}.`, describeValue(value), 'Fix the saved value.'),
          {
            details: { parameter: path, problems },
          },
        );
      }
      commits.push(() => handle.assign(value, 'load'));
    }
  }
  return commits;
}
