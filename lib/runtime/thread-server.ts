import type { MessagePort } from 'node:worker_threads';
import { ChildSpecError, OutputValidationError, describeProblem, describeValue } from '../errors';
import { Example } from '../primitives/example';
import { Module, onStateChange } from '../primitives/module';
import type { ModuleState } from '../primitives/module-state';
import { ParameterHandle } from '../primitives/parameter-handle';
import { runWithParameterStore } from '../primitives/parameter-store-scope';
import { Prediction } from '../primitives/prediction';
import { isPlainObject } from '../util/is-plain-object';
import { encodeError } from './cluster-error-codec';
import { encodePrediction } from './prediction-codec';
import { bindSharedParameters, isSupervisableModule, loadStateKeepingLMs, type SupervisableModule } from './supervisable-module';
import { ThreadParameterStore } from './thread-parameter-store';
import type { HostMessage, ThreadInputs, ThreadMessage, ThreadSharedParameter, ThreadStartData } from './thread-protocol';

/**
 * The thread side of a thread-isolated child: loads the module class from its compiled JavaScript
 * file, builds the instance, and serves the supervisor's messages (calls, aborts, parameter access,
 * state loads), reporting each state change so the supervisor's side always has the current
 * `dumpState()` for checkpoints. Shared parameters bind to a `ThreadParameterStore`: the
 * supervisor's values arrive as `shared` messages, the instance's own writes leave as `shared`.
 */
export class ThreadServer {
  readonly #port: Pick<MessagePort, 'postMessage'>;
  readonly #instance: SupervisableModule;
  readonly #store: ThreadParameterStore;
  readonly #calls = new Map<number, AbortController>();
  /** True when the instance reports its own changes (a `Module`); other objects are compared after each message. */
  readonly #isWatched: boolean;
  #lastState: string;
  #isDirty = false;

  private constructor(port: Pick<MessagePort, 'postMessage'>, instance: SupervisableModule, store: ThreadParameterStore) {
    this.#port = port;
    this.#instance = instance;
    this.#store = store;
    const state = instance.dumpState();
    this.#lastState = JSON.stringify(state);
    this.#isWatched = instance instanceof Module;
    if (instance instanceof Module) {
      onStateChange(instance, () => {
        if (this.#isDirty) return;
        this.#isDirty = true;
        queueMicrotask(() => this.#flushState());
      });
    }
    this.#post({ type: 'ready', state: state as Record<string, unknown>, shared: sharedParametersOf(instance) });
    store.reportWrites((key, value) => this.#post({ type: 'shared', key, value }));
  }

  /** Builds the instance described by `data` and serves `port`; reports `start-failed` when that fails. */
  static start(port: Pick<MessagePort, 'postMessage' | 'on'>, data: ThreadStartData): ThreadServer | undefined {
    let server: ThreadServer;
    try {
      // Shared parameters bind to this store from the instance's first write, as under a supervisor.
      const store = new ThreadParameterStore();
      const instance = runWithParameterStore(store, () => buildInstance(data));
      bindSharedParameters(instance, store);
      server = new ThreadServer(port, instance, store);
    } catch (error) {
      port.postMessage({ type: 'start-failed', error: encodeError(error) } satisfies ThreadMessage);
      return undefined;
    }
    port.on('message', (message: HostMessage) => server.handle(message));
    return server;
  }

  /** Handles one message from the supervisor's side. */
  handle(message: HostMessage): void {
    switch (message.type) {
      case 'shared':
        this.#applyShared(message.key, message.value);
        return;
      case 'forward':
        void this.#forward(message.id, message.inputs);
        return;
      case 'abort':
        this.#calls.get(message.id)?.abort(Object.assign(new Error('The supervisor ended the call.'), { name: 'AbortError' }));
        return;
      case 'get':
        void this.#reply(message.id, () => this.#instance.getParameter(message.path));
        return;
      case 'set':
        void this.#reply(message.id, async () => {
          const done: unknown = this.#instance.setParameter(message.path, message.value);
          await done;
        });
        return;
      case 'load':
        void this.#reply(message.id, async () => {
          const done: unknown = loadStateKeepingLMs(this.#instance, message.state as ModuleState);
          await done;
        });
        return;
    }
  }

  /** The supervisor's store value for `key`: stored unless the instance's constraints refuse it (then it keeps its own, and says why). */
  #applyShared(key: string, value: unknown): void {
    const problems = this.#store.applyFromHost(key, value);
    if (problems.length > 0) {
      this.#post({ type: 'shared-rejected', key, problems });
      return;
    }
    // dumpState reads shared values from the store: the supervisor's mirror must see the new one.
    this.#isDirty = true;
    this.#flushState();
  }

  async #forward(id: number, inputs: ThreadInputs): Promise<void> {
    const controller = new AbortController();
    this.#calls.set(id, controller);
    const argument = inputs.kind === 'example' ? exampleOf(inputs.fields, inputs.inputKeys) : inputs.fields;
    try {
      const prediction: unknown = await this.#instance.forward(argument, { signal: controller.signal });
      const encoded =
        prediction instanceof Prediction ? encodePrediction(prediction) : { fields: isPlainObject(prediction) ? prediction : { value: prediction } };
      this.#settle({ type: 'result', id, ok: true, value: undefined, prediction: encoded });
    } catch (error) {
      this.#settle({ type: 'result', id, ok: false, error: encodeError(error) });
    } finally {
      this.#calls.delete(id);
    }
  }

  async #reply(id: number, task: () => unknown): Promise<void> {
    try {
      this.#settle({ type: 'result', id, ok: true, value: await task() });
    } catch (error) {
      this.#settle({ type: 'result', id, ok: false, error: encodeError(error) });
    }
  }

  /** Posts a result after any state change it caused, so the supervisor's side sees the new state first. */
  #settle(message: ThreadMessage & { type: 'result' }): void {
    if (!this.#isWatched) this.#isDirty = true;
    this.#flushState();
    try {
      this.#port.postMessage(message);
    } catch (error) {
      // A value that cannot cross (a function, a class with private state): the call fails, the thread lives on.
      const failure = new OutputValidationError(
        describeProblem(
          'A value returned from the worker thread cannot cross to the supervisor (structured clone failed).',
          describeValue(error instanceof Error ? error.message : error),
          'Return plain data (strings, numbers, arrays, plain objects) from forward and getParameter.',
        ),
        { cause: error },
      );
      this.#port.postMessage({ type: 'result', id: message.id, ok: false, error: encodeError(failure) } satisfies ThreadMessage);
    }
  }

  #flushState(): void {
    if (!this.#isDirty) return;
    this.#isDirty = false;
    let state: ModuleState;
    try {
      state = this.#instance.dumpState();
    } catch {
      return;
    }
    const serialized = JSON.stringify(state);
    if (serialized === this.#lastState) return;
    this.#lastState = serialized;
    this.#post({ type: 'state', state: state as Record<string, unknown> });
  }

  #post(message: ThreadMessage): void {
    this.#port.postMessage(message);
  }
}

/** The instance's `@Parameter({ shared })` members, as data the supervisor's side checks values with. */
function sharedParametersOf(instance: SupervisableModule): ThreadSharedParameter[] {
  if (!(instance instanceof Module)) return [];
  const shared: ThreadSharedParameter[] = [];
  for (const [path, handle] of instance.namedParameters()) {
    if (!(handle instanceof ParameterHandle) || handle.shared === undefined) continue;
    const bounds = handle.bounds;
    shared.push({
      key: handle.shared,
      path,
      value: handle.value,
      type: handle.type,
      nullProblems: handle.check(null),
      // Structured clone keeps what bounds hold (numbers, booleans, an @IsIn list of data).
      bounds: { ...bounds, ...(bounds.allowed !== undefined ? { allowed: [...bounds.allowed] } : {}) },
    });
  }
  return shared;
}

function exampleOf(fields: Record<string, unknown>, inputKeys: readonly string[] | undefined): Example {
  const example = new Example(fields);
  return inputKeys === undefined ? example : example.withInputs(...inputKeys);
}

/** Requires the module file and constructs the exported class with `args`. */
function buildInstance(data: ThreadStartData): SupervisableModule {
  // A compiled CommonJS file, or an ES module that Node can require (no top-level await).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(data.module) as Record<string, unknown>;
  const Class = exports[data.export];
  if (typeof Class !== 'function') {
    throw new ChildSpecError(
      describeProblem(
        `${data.module} has no exported class "${data.export}".`,
        describeValue(Class),
        `Name one of its exports: ${Object.keys(exports).join(', ') || '(none)'}.`,
      ),
      { details: { field: 'start', module: data.module, export: data.export } },
    );
  }
  const instance: unknown = new (Class as new (...args: unknown[]) => unknown)(...data.args);
  if (!isSupervisableModule(instance)) {
    throw new ChildSpecError(
      describeProblem(`"${data.export}" of ${data.module} does not build a Module.`, describeValue(instance), 'Export a class that extends Module.'),
      { details: { field: 'start', module: data.module, export: data.export } },
    );
  }
  return instance;
}
