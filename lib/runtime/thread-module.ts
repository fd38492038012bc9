import { Worker } from 'node:worker_threads';
import {
  ChildSpecError,
  ChildStoppedError,
  InputValidationError,
  ModuleCrashedError,
  ParameterValidationError,
  StateValidationError,
  describeProblem,
  describeValue,
  type DspexError,
} from '../errors';
import { getRootLogger, type Logger } from '../logging/logger';
import { Example } from '../primitives/example';
import type { ForwardOptions } from '../primitives/module';
import type { ModuleState } from '../primitives/module-state';
import type { ParameterStore } from '../primitives/parameter-store';
import type { Prediction } from '../primitives/prediction';
import { isCallTimeout } from './call-attempt';
import { decodeError } from './cluster-error-codec';
import { decodePrediction } from './prediction-codec';
import { BIND_PARAMETER_STORE, WATCH_STATE } from './supervisable-module';
import { isSupervisor } from './supervisor-brand';
import { threadEntry } from './thread-entry';
import {
  parseThreadMessage,
  type HostMessage,
  type ThreadInputs,
  type ThreadMessage,
  type ThreadSharedParameter,
  type ThreadStartData,
} from './thread-protocol';
import { ThreadSharedParameters } from './thread-shared-parameters';
import type { ThreadStart } from './thread-start';

/** How long a new thread may take to load its module and build the instance. */
const START_LIMIT_MS = 30_000;

const ORIGIN = 'a worker thread';

/** Worker threads started for instances and not yet exited, in this thread. */
let liveThreads = 0;

/** How many instance threads are running (specs check that stopping leaves none behind). */
export function liveThreadCount(): number {
  return liveThreads;
}

type ResultMessage = ThreadMessage & { type: 'result' };

interface Request {
  resolve(message: ResultMessage & { ok: true }): void;
  reject(error: unknown): void;
  /** A forward's signal: once aborted, nobody waits for the answer any more. */
  readonly signal: AbortSignal | undefined;
}

/**
 * A thread-isolated instance, as the supervisor sees it: the `SupervisableModule` methods, each a
 * message to the worker thread that holds the real module. `dumpState()` answers from a mirror the
 * thread keeps current (it reports every change before the answer that caused it). A call that
 * passes its `timeoutMs` terminates the thread: every call running on it ends as a crash.
 */
export class ThreadModule {
  readonly id: string;
  readonly #worker: Worker;
  readonly #log: Logger;
  readonly #requests = new Map<number, Request>();
  readonly #watchers = new Set<() => void>();
  readonly #closed: Promise<void>;
  readonly #shared: ThreadSharedParameters;
  #state: Record<string, unknown>;
  #nextId = 1;
  /** Set once the thread is ending: what every request still open (and every new one) gets. */
  #end: DspexError | undefined;
  #lastError: unknown;
  #isRetiring = false;

  private constructor(id: string, worker: Worker, state: Record<string, unknown>, shared: readonly ThreadSharedParameter[], log: Logger) {
    this.id = id;
    this.#worker = worker;
    this.#state = state;
    this.#log = log.child({ child: id, threadId: worker.threadId });
    this.#shared = new ThreadSharedParameters(shared, (message) => this.#worker.postMessage(message), this.#log);
    this.#closed = new Promise((resolve) => worker.once('exit', (code) => resolve(this.#onExit(code))));
    worker.on('message', (raw: unknown) => this.#onMessage(raw));
    worker.on('error', (error) => {
      this.#lastError = error;
      this.#log.warn({ err: error }, 'worker thread failed');
    });
    worker.on('messageerror', (error) => this.#kill('its message could not be read', error));
    // An idle instance does not keep the process alive (as an in-process one would not).
    worker.unref();
  }

  /**
   * Starts a worker thread, loads `start.module` there and builds the instance.
   * @throws the error the thread reported (e.g. `ChildSpecError` for a missing export), rebuilt here.
   */
  static start(id: string, start: ThreadStart, log: Logger = getRootLogger()): Promise<ThreadModule> {
    const entry = threadEntry();
    const data: ThreadStartData = { module: start.module, export: start.export, args: start.args ?? [] };
    return new Promise<ThreadModule>((resolve, reject) => {
      const worker = new Worker(entry.script, { eval: entry.isEval, workerData: data });
      liveThreads += 1;
      const exited = new Promise<void>((done) =>
        worker.once('exit', () => {
          liveThreads -= 1;
          done();
        }),
      );
      let lastError: unknown;
      const finish = (outcome: ThreadModule | Error): void => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (outcome instanceof ThreadModule) return resolve(outcome);
        void worker.terminate();
        void exited.then(() => reject(outcome));
      };
      const onMessage = (raw: unknown): void => {
        const message = parseThreadMessage(raw);
        if (message?.type === 'ready') return finish(new ThreadModule(id, worker, message.state, message.shared, log));
        if (message?.type === 'start-failed') return finish(decodeError(message.error, ORIGIN));
        finish(new Error(`The worker thread of "${id}" sent ${describeValue(raw)} before it was ready.`));
      };
      const onError = (error: unknown): void => {
        lastError = error;
      };
      const onExit = (code: number): void =>
        finish(new Error(`The worker thread of "${id}" exited with code ${code} before its module was ready.`, { cause: lastError }));
      const timer = setTimeout(() => finish(new Error(`The worker thread of "${id}" did not build its module within ${START_LIMIT_MS} ms.`)), START_LIMIT_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.once('exit', onExit);
    });
  }

  forward(inputs: Record<string, unknown>, options: ForwardOptions = {}): Promise<Prediction> {
    const signal = options.signal;
    const crossing: ThreadInputs =
      inputs instanceof Example ? { kind: 'example', fields: inputs.toDict(), inputKeys: inputs.inputKeys } : { kind: 'fields', fields: inputs };
    const invalid = (error: unknown): DspexError =>
      new InputValidationError(
        describeProblem(
          `Inputs of "${this.id}" cannot cross into its worker thread (structured clone failed).`,
          describeValue(error instanceof Error ? error.message : error),
          'Pass plain data: strings, numbers, booleans, arrays and plain objects.',
        ),
        { cause: error, details: { id: this.id } },
      );
    return this.#request((id) => ({ type: 'forward', id, inputs: crossing }), invalid, signal).then((message) =>
      decodePrediction(message.prediction ?? { fields: {} }),
    );
  }

  getParameter(path: string): Promise<unknown> {
    return this.#request(
      (id) => ({ type: 'get', id, path }),
      (error) => new ParameterValidationError(String(error)),
    ).then((message) => message.value);
  }

  async setParameter(path: string, value: unknown): Promise<void> {
    // A shared parameter's store checks every parameter bound to the key first, as it would in this thread.
    const key = this.#shared.keyOf(path);
    const problems = key === undefined ? [] : this.#shared.problems(key, value);
    if (problems.length > 0) {
      throw new ParameterValidationError(
        describeProblem(
          `Invalid value for shared parameter "${key}" (parameter "${path}" of "${this.id}"): ${problems.join('; ')}.`,
          describeValue(value),
          'Set a value every parameter bound to the key accepts; the previous value was kept.',
        ),
        { details: { id: this.id, parameter: key, path, problems } },
      );
    }
    const invalid = (error: unknown): DspexError =>
      new ParameterValidationError(
        describeProblem(
          `The value for "${path}" of "${this.id}" cannot cross into its worker thread.`,
          describeValue(error instanceof Error ? error.message : error),
          'Parameters hold plain JSON data.',
        ),
        { cause: error, details: { id: this.id, path } },
      );
    await this.#request((id) => ({ type: 'set', id, path, value }), invalid);
  }

  /** The instance's state as the thread last reported it (a JSON copy: state is JSON data, and the copy belongs to this realm). */
  dumpState(): ModuleState {
    return JSON.parse(JSON.stringify(this.#state)) as ModuleState;
  }

  async loadState(state: ModuleState): Promise<void> {
    const invalid = (error: unknown): DspexError => new StateValidationError(`State for "${this.id}" cannot cross into its worker thread: ${String(error)}`);
    await this.#request((id) => ({ type: 'load', id, state: state as Record<string, unknown> }), invalid);
  }

  /** Binds the instance's shared parameters to `store` (the supervisor's): values cross into the thread, its writes cross back. */
  [BIND_PARAMETER_STORE](store: ParameterStore): void {
    if (this.#end === undefined) this.#shared.bind(store);
  }

  [WATCH_STATE](listener: () => void): () => void {
    this.#watchers.add(listener);
    return () => this.#watchers.delete(listener);
  }

  /**
   * The instance was discarded: its thread ends as soon as no call on it is still awaited (a call
   * whose signal was aborted is not). Resolves once the thread has exited.
   */
  retire(): Promise<void> {
    this.#isRetiring = true;
    this.#closeIfUnused();
    return this.#closed;
  }

  /** Ends the thread now; open requests reject with `ChildStoppedError`. Resolves once it has exited. */
  terminate(): Promise<void> {
    this.#end ??= this.#stopped('it was stopped');
    void this.#worker.terminate();
    return this.#closed;
  }

  #request(build: (id: number) => HostMessage, invalid: (error: unknown) => DspexError, signal?: AbortSignal): Promise<ResultMessage & { ok: true }> {
    if (this.#end !== undefined) return Promise.reject(this.#end);
    const id = this.#nextId;
    this.#nextId += 1;
    return new Promise((resolve, reject) => {
      try {
        this.#worker.postMessage(build(id));
      } catch (error) {
        reject(invalid(error));
        return;
      }
      this.#requests.set(id, { resolve, reject, signal });
      this.#worker.ref();
      signal?.addEventListener('abort', () => this.#onAbort(id, signal.reason), { once: true });
    });
  }

  #onAbort(id: number, reason: unknown): void {
    if (!this.#requests.has(id)) return;
    if (isCallTimeout(reason)) {
      this.#kill('a call passed its timeoutMs', reason);
      return;
    }
    try {
      this.#worker.postMessage({ type: 'abort', id } satisfies HostMessage);
    } catch {
      // The thread is gone already; its exit settles the request.
    }
    this.#closeIfUnused();
  }

  #onMessage(raw: unknown): void {
    const message = parseThreadMessage(raw);
    if (message === undefined || message.type === 'ready' || message.type === 'start-failed') {
      this.#log.warn({ received: describeValue(raw) }, 'worker thread broke the protocol; terminating it');
      this.#kill('it sent a message the protocol does not know', undefined);
      return;
    }
    if (message.type === 'shared') {
      this.#shared.onThreadWrite(message.key, message.value);
      return;
    }
    if (message.type === 'shared-rejected') {
      this.#shared.onThreadRejected(message.key, message.problems);
      return;
    }
    if (message.type === 'state') {
      this.#state = message.state;
      for (const watcher of [...this.#watchers]) watcher();
      return;
    }
    const request = this.#requests.get(message.id);
    if (request === undefined) return;
    this.#requests.delete(message.id);
    if (this.#requests.size === 0) this.#worker.unref();
    if (message.ok) request.resolve(message);
    else request.reject(decodeError(message.error, ORIGIN));
    this.#closeIfUnused();
  }

  /** Terminates the thread; the requests still open reject (a crash) once it has exited. */
  #kill(why: string, cause: unknown): void {
    if (this.#end !== undefined) return;
    this.#end = new ModuleCrashedError(
      describeProblem(
        `The worker thread of child "${this.id}" was terminated: ${why}.`,
        `${this.#requests.size} call(s) running on it`,
        'The supervisor restarts the child; give it retries to re-run the other calls, or make forward answer within timeoutMs.',
      ),
      { cause, details: { id: this.id, reason: 'terminated' } },
    );
    void this.#worker.terminate();
  }

  #closeIfUnused(): void {
    if (!this.#isRetiring || this.#end !== undefined) return;
    for (const request of this.#requests.values()) if (request.signal === undefined || !request.signal.aborted) return;
    this.terminate().catch(() => undefined);
  }

  #onExit(code: number): void {
    this.#shared.unbind();
    this.#end ??= new ModuleCrashedError(
      describeProblem(
        `The worker thread of child "${this.id}" exited.`,
        `exit code ${code}`,
        'See error.cause; a module must not call process.exit or leave errors unhandled.',
      ),
      { cause: this.#lastError, details: { id: this.id, reason: 'thread-exit', exitCode: code } },
    );
    const requests = [...this.#requests.values()];
    this.#requests.clear();
    for (const request of requests) request.reject(this.#end);
  }

  #stopped(why: string): ChildStoppedError {
    return new ChildStoppedError(
      describeProblem(`The worker thread of child "${this.id}" ended: ${why}.`, undefined, 'Call the child again: it serves on a new instance.'),
      {
        details: { id: this.id },
      },
    );
  }
}

const threadStarts = new WeakMap<object, { readonly id: string; readonly start: ThreadStart }>();

/** The `start` function of a thread-isolated child spec. */
export function threadStarter(id: string, start: ThreadStart): () => Promise<ThreadModule> {
  const starter = (): Promise<ThreadModule> => ThreadModule.start(id, start);
  threadStarts.set(starter, { id, start });
  return starter;
}

/** Calls a child's `start`; a thread start logs its thread's warnings through `log` (the supervisor's). */
export function callStart<T>(start: () => T, log: Logger): T | Promise<ThreadModule> {
  const thread = threadStarts.get(start);
  return thread === undefined ? start() : ThreadModule.start(thread.id, thread.start, log);
}

/** Ends the threads of discarded instances, and waits for them (stop, terminateChild). */
export class ThreadRetirements {
  readonly #closing = new Set<Promise<void>>();

  /** An instance left service: a thread-isolated one ends once no call on it is awaited. */
  retire(instance: unknown): void {
    if (!(instance instanceof ThreadModule)) return;
    const closing = instance.retire();
    this.#closing.add(closing);
    void closing.then(() => this.#closing.delete(closing));
  }

  /** Resolves once every retired thread has exited. */
  async settled(): Promise<void> {
    await Promise.all([...this.#closing]);
  }
}

/** Disposes of an instance that was started but never went live (its supervisor stopped meanwhile, a failed swap). */
export async function disposeUnused(instance: unknown): Promise<void> {
  if (isSupervisor(instance)) await instance.stop();
  else if (instance instanceof ThreadModule) await instance.terminate();
}

/** The `ChildSpecError` for a thread start given to a child that is not thread-isolated, or the reverse. */
export function isolationMismatch(id: string, field: string, isThread: boolean, received: unknown): ChildSpecError {
  return new ChildSpecError(
    describeProblem(
      `Child spec "${id}" has an invalid "${field}".`,
      describeValue(received),
      isThread
        ? "A thread-isolated child (isolation: 'thread') starts from { module: '/abs/path/file.js', export: 'ClassName', args? }: closures cannot cross into a thread."
        : "A { module, export } start needs isolation: 'thread'; in this thread, pass a function: start: () => new MyModule().",
    ),
    { details: { id, field } },
  );
}
