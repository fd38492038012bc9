import { ParameterValidationError, describeProblem, describeValue } from '../errors';
import { jsonDataProblem } from '../util/json-data-problem';
import { RingBuffer } from '../util/ring-buffer';
import type { ParameterBounds, ParameterConstraints } from './parameter-constraints';
import type { ParameterStore } from './parameter-store';

/** The kind of value a scalar parameter holds, fixed by its first value. */
export type ParameterValueType = 'number' | 'string' | 'boolean' | 'array' | 'object';

/** One recorded update of a parameter. */
export interface ParameterUpdate {
  readonly value: unknown;
  readonly previous: unknown;
  readonly at: number;
  readonly source: 'assign' | 'gradient' | 'load';
}

const HISTORY_SIZE = 100;
const DEFAULT_LEARNING_RATE = 0.01;

export function valueTypeOf(value: unknown): ParameterValueType | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return 'array';
  const kind = typeof value;
  if (kind === 'number' || kind === 'string' || kind === 'boolean') return kind;
  return 'object';
}

/** Why `value` cannot be the value of the parameter `name` (not plain JSON data), or undefined when it can. */
export function parameterDataProblem(value: unknown, name: string): string | undefined {
  let dataProblem: string | undefined;
  try {
    dataProblem = jsonDataProblem(value, name);
  } catch {
    dataProblem = `${name} cannot be read as JSON data`;
  }
  return dataProblem === undefined ? undefined : `${dataProblem}; parameters hold plain JSON data (it must survive dumpState and save)`;
}

/** Static facts about a parameter, shared by every instance of its class. */
export interface ParameterDescriptor {
  readonly name: string;
  readonly description: string | undefined;
  readonly requiresGrad: boolean;
  readonly learningRate: number;
  readonly momentum: number;
  readonly shared: string | undefined;
  readonly constraints: ParameterConstraints;
  readonly ownerName: string;
}

/**
 * The handle of one `@Parameter` of one module instance: its value (validated on every write),
 * type, gradient, learning rate, momentum and last 100 updates. `namedParameters()` yields these.
 */
export class ParameterHandle {
  grad: number | undefined = undefined;
  learningRate: number;
  momentum: number;
  requiresGrad: boolean;
  #value: unknown = undefined;
  #type: ParameterValueType | undefined = undefined;
  #velocity = 0;
  #history: RingBuffer<ParameterUpdate> | undefined;
  #store: ParameterStore | undefined;
  readonly #descriptor: ParameterDescriptor;
  readonly #onChange: (() => void) | undefined;

  constructor(descriptor: ParameterDescriptor, store: ParameterStore | undefined, onChange?: () => void) {
    this.#descriptor = descriptor;
    this.learningRate = descriptor.learningRate ?? DEFAULT_LEARNING_RATE;
    this.momentum = descriptor.momentum;
    this.requiresGrad = descriptor.requiresGrad;
    this.#store = descriptor.shared === undefined ? undefined : store;
    this.#onChange = onChange;
    this.#store?.bindCheck(descriptor.shared!, this);
  }

  /** The member name on its module. */
  get name(): string {
    return this.#descriptor.name;
  }

  get description(): string | undefined {
    return this.#descriptor.description;
  }

  /** The `ParameterStore` key this parameter is bound to, if shared. */
  get shared(): string | undefined {
    return this.#descriptor.shared;
  }

  /** Search bounds from class-validator constraints. */
  get bounds(): ParameterBounds {
    return this.#descriptor.constraints.bounds;
  }

  get value(): unknown {
    if (this.#store !== undefined && this.#store.has(this.#descriptor.shared!)) return this.#store.get(this.#descriptor.shared!);
    return this.#value;
  }

  /** Assigning validates; an invalid value throws `ParameterValidationError` and the old value stays. */
  set value(value: unknown) {
    this.assign(value, 'assign');
  }

  /** The kind of value held, fixed by the first value. */
  get type(): ParameterValueType | undefined {
    return this.#type ?? valueTypeOf(this.value);
  }

  /** The last 100 updates, oldest first. */
  get history(): readonly ParameterUpdate[] {
    return this.#history?.toArray() ?? [];
  }

  /** Re-points a shared parameter at another store (the supervisor's). */
  bindStore(store: ParameterStore): void {
    if (this.#descriptor.shared === undefined) return;
    const local = this.#value;
    if (this.#store !== store) {
      this.#store?.unbindCheck(this.#descriptor.shared, this);
      store.bindCheck(this.#descriptor.shared, this);
    }
    this.#store = store;
    store.bindParameter(this.#descriptor.shared, this);
    if (!store.has(this.#descriptor.shared) && local !== undefined) store.set(this.#descriptor.shared, local);
  }

  /**
   * Problems `value` would have as this parameter's value (empty when valid); changes nothing.
   */
  check(value: unknown): string[] {
    // Only what save() and loadState() carry unchanged: checking constraints on anything else could throw.
    const dataProblem = parameterDataProblem(value, this.name);
    if (dataProblem !== undefined) return [dataProblem];
    const problems: string[] = [];
    const expectedType = this.#type;
    const actualType = valueTypeOf(value);
    if (value === null && expectedType !== undefined && !this.#descriptor.constraints.allowsNull) {
      problems.push(`${this.name} must be a ${expectedType}, like its first value; null needs @IsOptional()`);
    } else if (expectedType !== undefined && actualType !== undefined && actualType !== expectedType) {
      problems.push(`${this.name} must be a ${expectedType}, like its first value`);
    }
    problems.push(...this.#descriptor.constraints.validate(value));
    return problems;
  }

  /**
   * Validates and stores `value`, recording the update.
   * @throws {ParameterValidationError} PARAMETER_INVALID; the old value is kept.
   */
  assign(value: unknown, source: ParameterUpdate['source'] = 'assign'): void {
    const problems = this.check(value);
    if (problems.length > 0) {
      throw new ParameterValidationError(
        describeProblem(
          `Invalid value for parameter "${this.name}" of ${this.#descriptor.ownerName}: ${problems.join('; ')}.`,
          describeValue(value),
          'Assign a value that satisfies its constraints; the previous value was kept.',
        ),
        { details: { parameter: this.name, value, problems } },
      );
    }
    if (source === 'assign' && this.#history === undefined && this.#store?.has(this.#descriptor.shared!) === true) {
      // A shared parameter's first value on an instance (its initializer) is only a default:
      // the store already holds the value every module shares, so a new instance must not reset it.
      // It stays this instance's local default, used if the parameter is later bound to an empty store.
      this.#history = new RingBuffer(HISTORY_SIZE);
      this.#type ??= valueTypeOf(value);
      this.#value = value;
      return;
    }
    const previous = this.value;
    // The store first: it also checks the other parameters bound to the key, and may refuse.
    if (this.#store !== undefined) this.#store.set(this.#descriptor.shared!, value);
    this.#type ??= valueTypeOf(value);
    this.#history ??= new RingBuffer(HISTORY_SIZE);
    this.#history.push({ value, previous, at: Date.now(), source });
    this.#value = value;
    this.#onChange?.();
  }

  /**
   * One momentum step against gradient `gradient` (also stored in `grad`): velocity = momentum·velocity + gradient,
   * value −= learningRate·velocity, projected onto `@Min`/`@Max`/`@IsInt` bounds.
   * @throws {ParameterValidationError} PARAMETER_INVALID for a non-numeric parameter or gradient; the value is kept.
   */
  applyGradient(gradient: number): number {
    const current = this.value;
    if (typeof current !== 'number' || typeof gradient !== 'number' || !Number.isFinite(gradient)) {
      throw new ParameterValidationError(
        describeProblem(
          `applyGradient needs a numeric parameter and a finite gradient ("${this.name}").`,
          `value ${describeValue(current)}, gradient ${describeValue(gradient)}`,
          'Use applyGradient only on number parameters.',
        ),
        { details: { parameter: this.name } },
      );
    }
    const velocity = this.momentum * this.#velocity + gradient;
    let next = current - this.learningRate * velocity;
    const { min, max, isInt } = this.bounds;
    if (isInt) next = Math.round(next);
    if (min !== undefined) next = Math.max(min, next);
    if (max !== undefined) next = Math.min(max, next);
    this.assign(next, 'gradient');
    this.#velocity = velocity;
    this.grad = gradient;
    return next;
  }

  /** A copy for a deep-copied module: same value, settings and history, no listeners. */
  clone(onChange?: () => void): ParameterHandle {
    const copy = new ParameterHandle(this.#descriptor, this.#store, onChange);
    copy.#value = structuredCloneSafe(this.#value);
    copy.#type = this.#type;
    copy.#velocity = this.#velocity;
    copy.grad = this.grad;
    copy.learningRate = this.learningRate;
    copy.momentum = this.momentum;
    copy.requiresGrad = this.requiresGrad;
    if (this.#history !== undefined) {
      copy.#history = new RingBuffer(HISTORY_SIZE);
      for (const update of this.#history.toArray()) copy.#history.push(update);
    }
    return copy;
  }

  toJSON(): unknown {
    return this.value;
  }
}

function structuredCloneSafe(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}
