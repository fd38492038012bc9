import type { Module } from '../primitives/module';
import { ParameterHandle } from '../primitives/parameter-handle';
import { optimizerFail } from './optimizer-options';
import type { SeededRandom } from '../util/seeded-random';

/** Values for the searched parameters, by path (`retrieve.k` → 3). */
export type ParameterValues = Record<string, unknown>;

/** How one parameter is searched: a list of values, or a numeric range. */
export type SearchDimension =
  | { readonly path: string; readonly kind: 'choice'; readonly values: readonly unknown[] }
  | { readonly path: string; readonly kind: 'integer' | 'float'; readonly min: number; readonly max: number };

const OWNER = 'ParameterSearch';

/**
 * The parameters to search and their domains, from `namedParameters()`: every scalar parameter with
 * `requiresGrad` (or exactly `paths`, when given). `@IsIn` gives a list of values, booleans are
 * searched over both values, numbers within `@Min`/`@Max` (`@IsInt` for whole numbers). Parameters
 * bound to a shared `ParameterStore` are left out: candidates could not be kept apart.
 * @throws {OptimizerError} OPTIMIZER_INVALID for a number without both bounds, an unknown or unsearchable path, or nothing to search.
 */
export function searchDimensions(program: Module, paths: readonly string[] | undefined): SearchDimension[] {
  const handles = program.namedParameters().filter((entry): entry is [string, ParameterHandle] => entry[1] instanceof ParameterHandle);
  const known = new Map(handles);
  if (paths !== undefined) {
    const unknown = paths.filter((path) => !known.has(path));
    if (unknown.length > 0) {
      optimizerFail(
        OWNER,
        `no scalar parameter named ${unknown.map((path) => `"${path}"`).join(', ')}.`,
        unknown,
        `Use paths from namedParameters(): ${[...known.keys()].join(', ') || '(none)'}.`,
        {
          option: 'parameters',
        },
      );
    }
  }
  const chosen =
    paths === undefined
      ? handles.filter(([, handle]) => handle.requiresGrad && handle.shared === undefined)
      : paths.map((path) => [path, known.get(path)!] as [string, ParameterHandle]);
  const dimensions: SearchDimension[] = [];
  for (const [path, handle] of chosen) {
    const dimension = dimensionOf(path, handle, paths !== undefined);
    if (dimension !== undefined) dimensions.push(dimension);
  }
  if (dimensions.length === 0) {
    optimizerFail(
      OWNER,
      'the program has no parameter to search.',
      handles.map(([path]) => path),
      'Declare a @Parameter with @Min/@Max (numbers), @IsIn (any type) or a boolean value, and requiresGrad true (the default).',
      {
        option: 'parameters',
      },
    );
  }
  return dimensions;
}

function dimensionOf(path: string, handle: ParameterHandle, isRequested: boolean): SearchDimension | undefined {
  const { min, max, isInt, allowed } = handle.bounds;
  if (handle.shared !== undefined) {
    optimizerFail(
      OWNER,
      `parameter "${path}" is shared through a ParameterStore ("${handle.shared}").`,
      path,
      'Search it on an unshared copy, or set it through the store.',
      { option: 'parameters', parameter: path },
    );
  }
  if (allowed !== undefined && allowed.length > 0) return { path, kind: 'choice', values: [...allowed] };
  const type = handle.type;
  if (type === 'boolean') return { path, kind: 'choice', values: [false, true] };
  if (type === 'number' || (type === undefined && (min !== undefined || max !== undefined))) {
    if (min === undefined || max === undefined || min > max) {
      optimizerFail(
        OWNER,
        `numeric parameter "${path}" has no search range.`,
        `min ${String(min)}, max ${String(max)}`,
        `Add @Min(…) and @Max(…) (class-validator) to "${handle.name}", or set requiresGrad: false.`,
        {
          option: 'parameters',
          parameter: path,
        },
      );
    }
    if (!isInt) return { path, kind: 'float', min, max };
    const low = Math.ceil(min);
    const high = Math.floor(max);
    if (low > high)
      optimizerFail(OWNER, `integer parameter "${path}" has no whole number between its bounds.`, `min ${min}, max ${max}`, 'Widen @Min/@Max.', {
        option: 'parameters',
        parameter: path,
      });
    return { path, kind: 'integer', min: low, max: high };
  }
  // Text, lists and objects can only be searched over listed values; skip them unless asked for.
  if (isRequested) {
    optimizerFail(
      OWNER,
      `parameter "${path}" (${type ?? 'unset'}) has no values to search.`,
      path,
      `Add @IsIn([...]) to "${handle.name}" listing the values to try.`,
      { option: 'parameters', parameter: path },
    );
  }
  return undefined;
}

/** `trials` random points: each parameter drawn uniformly from its domain, in dimension order. */
export function randomCandidates(dimensions: readonly SearchDimension[], trials: number, random: SeededRandom): ParameterValues[] {
  return Array.from({ length: trials }, () => {
    const values: ParameterValues = {};
    for (const dimension of dimensions) {
      if (dimension.kind === 'choice') values[dimension.path] = random.choice(dimension.values);
      else if (dimension.kind === 'integer') values[dimension.path] = random.randint(dimension.min, dimension.max);
      else values[dimension.path] = dimension.min + random.random() * (dimension.max - dimension.min);
    }
    return values;
  });
}

/** The values a grid tries for one parameter: every listed value, or `gridSize` evenly spaced numbers (every whole number when there are no more). */
function gridValues(dimension: SearchDimension, gridSize: number): unknown[] {
  if (dimension.kind === 'choice') return [...dimension.values];
  const { min, max } = dimension;
  if (dimension.kind === 'integer' && max - min + 1 <= gridSize) return Array.from({ length: max - min + 1 }, (_, index) => min + index);
  if (gridSize === 1 || min === max) return [min];
  const points = Array.from({ length: gridSize }, (_, index) => min + (index * (max - min)) / (gridSize - 1));
  return dimension.kind === 'integer' ? [...new Set(points.map(Math.round))] : points;
}

/**
 * Every combination of the per-parameter grid values (the first parameter varies slowest).
 * @throws {OptimizerError} OPTIMIZER_INVALID when the grid has more than `maxPoints` points.
 */
export function gridCandidates(dimensions: readonly SearchDimension[], gridSize: number, maxPoints: number): ParameterValues[] {
  const axes = dimensions.map((dimension) => gridValues(dimension, gridSize));
  const total = axes.reduce((product, axis) => product * axis.length, 1);
  if (total > maxPoints) {
    optimizerFail(
      OWNER,
      `the grid has ${total} points, more than trials (${maxPoints}).`,
      axes.map((axis, index) => `${dimensions[index].path}: ${axis.length}`).join(', '),
      "Lower gridSize, search fewer parameters, raise trials, or use strategy 'random'.",
      {
        option: 'trials',
        points: total,
      },
    );
  }
  let combinations: ParameterValues[] = [{}];
  dimensions.forEach((dimension, index) => {
    combinations = combinations.flatMap((partial) => axes[index].map((value) => ({ ...partial, [dimension.path]: value })));
  });
  return combinations;
}
