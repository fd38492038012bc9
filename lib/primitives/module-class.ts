import { membersOf, type MemberSpec } from '../decorators/class-metadata';
import { DecoratorUsageError, InputValidationError, describeProblem, describeValue } from '../errors';
import { currentCallScope, runInCallScope, type RecordedCall } from '../util/call-scope';
import { RingBuffer } from '../util/ring-buffer';
import { getPredictorFactory, isModule } from './module-brand';
import { observeModuleCall } from './module-call-hook';
import { INTERNALS, internalsOf, type ModuleInternals } from './module-internals';
import { constraintsOf } from './parameter-constraints';
import { ParameterHandle, type ParameterDescriptor } from './parameter-handle';
import { ParameterStore } from './parameter-store';

/** What `Module` knows about one subclass, computed once from the metadata registry. */
export interface ModuleClassInfo {
  readonly members: readonly MemberSpec[];
  readonly memberIndex: ReadonlyMap<string, number>;
  readonly parameters: ReadonlyMap<string, ParameterDescriptor>;
}

const classInfos = new WeakMap<Function, ModuleClassInfo>();
const WRAPPED = Symbol('dspex.forward.wrapped');

/** The info of a prepared class (prepared on first construction). */
export function classInfoOf(module: object): ModuleClassInfo {
  return classInfos.get(module.constructor) ?? prepareModuleClass(module.constructor, Object.prototype);
}

function notifyStateChange(internals: ModuleInternals): void {
  if (internals.stateListeners === undefined) return;
  for (const listener of [...internals.stateListeners]) listener();
}

/** The handle of a `@Parameter` member, created on first touch. */
export function parameterHandleOf(module: object, name: string): ParameterHandle {
  const internals = internalsOf(module);
  internals.handles ??= new Map();
  let handle = internals.handles.get(name);
  if (handle === undefined) {
    const descriptor = classInfoOf(module).parameters.get(name)!;
    handle = new ParameterHandle(descriptor, internals.parameterStore ?? ParameterStore.global, () => notifyStateChange(internals));
    internals.handles.set(name, handle);
  }
  return handle;
}

function recordPosition(module: object, internals: ModuleInternals, name: string): void {
  internals.positions ??= new Map();
  if (!internals.positions.has(name)) internals.positions.set(name, Object.keys(module).length);
}

function createDeclaredMember(module: object, spec: MemberSpec): unknown {
  if (spec.kind === 'predictor') {
    const factory = getPredictorFactory();
    if (spec.options.signature === undefined) return undefined;
    if (factory === undefined) {
      throw new DecoratorUsageError(
        describeProblem(
          `@Predictor "${spec.name}" of ${module.constructor.name} cannot create its Predict.`,
          'lib/predict not loaded',
          "Import from 'dspex' (the package root), which loads Predict.",
        ),
      );
    }
    return factory(spec.options.signature, {
      module: spec.options.module as Function | undefined,
      config: spec.options.config as Record<string, unknown> | undefined,
    });
  }
  const type = spec.options.type as (() => new () => object) | undefined;
  return type === undefined ? undefined : new (type())();
}

function defineMemberAccessor(prototype: object, spec: MemberSpec): void {
  const name = spec.name;
  if (spec.kind === 'parameter') {
    Object.defineProperty(prototype, name, {
      configurable: true,
      enumerable: false,
      get(this: object) {
        return parameterHandleOf(this, name).value;
      },
      set(this: object, value: unknown) {
        const internals = internalsOf(this);
        parameterHandleOf(this, name).assign(value);
        recordPosition(this, internals, name);
      },
    });
    return;
  }
  Object.defineProperty(prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: object) {
      const internals = internalsOf(this);
      internals.members ??= new Map();
      if (internals.members.has(name)) return internals.members.get(name);
      // An uninitialised @Predictor / typed @SubModule is created on first use, per instance.
      const created = createDeclaredMember(this, spec);
      if (created !== undefined) internals.members.set(name, created);
      return created;
    },
    set(this: object, value: unknown) {
      const internals = internalsOf(this);
      internals.members ??= new Map();
      internals.members.set(name, value);
      recordPosition(this, internals, name);
    },
  });
}

/** LM calls each module keeps for `inspectHistory` (the LM's own history keeps many more). */
const MODULE_HISTORY_SIZE = 100;

function moduleHistory(module: object): RingBuffer<RecordedCall> {
  const internals = internalsOf(module);
  internals.history ??= new RingBuffer(MODULE_HISTORY_SIZE);
  return internals.history;
}

function wrapForward(original: (this: object, inputs: unknown, options?: { signal?: AbortSignal }) => Promise<unknown>) {
  const wrapped = function forward(this: { forward?: unknown }, inputs: unknown, options?: { signal?: AbortSignal }): Promise<unknown> {
    try {
      const parent = currentCallScope();
      // A subclass's `super.forward(inputs)`: this call was checked and scoped by the outer wrapper.
      const isSuperCall = parent?.module === this && parent.inputs === inputs && (options?.signal === undefined || options.signal === parent.signal);
      if (isSuperCall) return original.call(this, inputs, options);
      assertNotShadowed(this);
      if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
        throw new InputValidationError(
          describeProblem(`${this.constructor.name}.forward takes an object of named inputs.`, describeValue(inputs), 'Call forward({ question: … }).'),
        );
      }
      const signal = options?.signal ?? parent?.signal;
      if (signal?.aborted === true) return Promise.reject(signal.reason);
      // The signal reaches inner Predict calls, and their LM calls reach this module's history, through the async context.
      const history = moduleHistory(this);
      const outer = parent?.histories ?? [];
      // A module calling itself again records each LM call once.
      const histories = outer.includes(history) ? outer : [...outer, history];
      const run = (): Promise<unknown> => runInCallScope({ signal, histories, module: this, inputs }, () => original.call(this, inputs, options));
      // Only the call dispatched on the instance is observed, not a subclass's `super.forward(…)`.
      if (this.forward === wrapped) return observeModuleCall(this, inputs as Record<string, unknown>, run);
      return run();
    } catch (error) {
      return Promise.reject(error);
    }
  };
  Object.defineProperty(wrapped, WRAPPED, { value: true });
  return wrapped;
}

/**
 * Prepares a `Module` subclass once: installs accessors for its decorated members (validation,
 * lazy predictor creation) on its prototype and wraps each `forward` in the chain so inputs are
 * checked and the caller's signal reaches inner calls.
 */
export function prepareModuleClass(ctor: Function, basePrototype: object): ModuleClassInfo {
  const existing = classInfos.get(ctor);
  if (existing !== undefined) return existing;
  const members = membersOf(ctor);
  const parameters = new Map<string, ParameterDescriptor>();
  for (const spec of members) {
    defineMemberAccessor(ctor.prototype, spec);
    if (spec.kind === 'parameter') {
      const options = spec.options as { description?: string; requiresGrad?: boolean; learningRate?: number; momentum?: number; shared?: string };
      parameters.set(spec.name, {
        name: spec.name,
        description: options.description,
        requiresGrad: options.requiresGrad ?? true,
        learningRate: options.learningRate ?? 0.01,
        momentum: options.momentum ?? 0,
        shared: options.shared,
        constraints: constraintsOf(spec.owner, spec.name),
        ownerName: ctor.name,
      });
    }
  }
  for (let prototype = ctor.prototype; prototype !== null && prototype !== basePrototype; prototype = Object.getPrototypeOf(prototype)) {
    const own = Object.getOwnPropertyDescriptor(prototype, 'forward');
    if (own !== undefined && typeof own.value === 'function' && own.value[WRAPPED] !== true) {
      Object.defineProperty(prototype, 'forward', { ...own, value: wrapForward(own.value) });
    }
  }
  const info: ModuleClassInfo = { members, memberIndex: new Map(members.map((spec, index) => [spec.name, index])), parameters };
  classInfos.set(ctor, info);
  return info;
}

/**
 * Throws when a class-field initializer shadowed a decorated member (TypeScript's default
 * `useDefineForClassFields: true` defines own properties that hide the accessors).
 * @throws {DecoratorUsageError} DECORATOR_MISUSE naming the tsconfig setting.
 */
export function assertNotShadowed(module: object): void {
  const internals = (module as { [INTERNALS]?: ModuleInternals })[INTERNALS];
  if (internals === undefined || internals.checked) return;
  for (const spec of classInfoOf(module).members) {
    if (Object.prototype.hasOwnProperty.call(module, spec.name)) {
      throw new DecoratorUsageError(
        describeProblem(
          `Decorated member "${spec.name}" of ${module.constructor.name} is shadowed by a class field, so dspex cannot track it.`,
          'an own property defined by a class-field initializer',
          'Set "useDefineForClassFields": false (and "experimentalDecorators": true, "emitDecoratorMetadata": true) in tsconfig.json.',
        ),
        { details: { member: spec.name } },
      );
    }
  }
  internals.checked = true;
}

/** Tells state-change listeners (checkpointing) that module state changed. */
export function notifyModuleStateChange(module: object): void {
  if (isModule(module)) notifyStateChange(internalsOf(module));
}
