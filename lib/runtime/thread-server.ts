import type { MessagePort } from 'node:worker_threads';
import { ChildSpecError, OutputValidationError, describeProblem, describeValue } from '../errors';
import { Example } from '../primitives/example';
import { Module, onStateChange } from '../primitives/module';
import type { ModuleState } from '../primitives/module-state';
import { Prediction } from '../primitives/prediction';
import { isPlainObject } from '../util/is-plain-object';
import { encodeError } from './cluster-error-codec';
import { encodePrediction } from './prediction-codec';
import { isSupervisableModule, loadStateKeepingLMs, type SupervisableModule } from './supervisable-module';
import type { HostMessage, ThreadInputs, ThreadMessage, ThreadStartData } from './thread-protocol';

/**
 * The thread side of a thread-isolated child: loads the module class from its compiled JavaScript
 * file, builds the instance, and serves the supervisor's messages (calls, aborts, parameter access,
 * state loads), reporting each state change so the supervisor's side always has the current
 * `dumpState()` for checkpoints.
 */
export class ThreadServer {
  readonly #port: Pick<MessagePort, 'postMessage'>;
  readonly #instance: SupervisableModule;
  readonly #calls = new Map<number, AbortController>();
  /** True when the instance reports its own changes (a `Module`); other objects are compared after each message. */
  readonly #isWatched: boolean;
  #lastState: string;
  #isDirty = false;

  private constructor(port: Pick<MessagePort, 'postMessage'>, instance: SupervisableModule) {
    this.#port = port;
    this.#instance = instance;
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
    this.#post({ type: 'ready', state: state as Record<string, unknown> });
  }

  /** Builds the instance described by `data` and serves `port`; reports `start-failed` when that fails. */
  static start(port: Pick<MessagePort, 'postMessage' | 'on'>, data: ThreadStartData): ThreadServer | undefined {
    let server: ThreadServer;
    try {
      server = new ThreadServer(port, buildInstance(data));
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
