import { ChildSpecError, DspexError, HotSwapError, describeProblem, describeValue } from '../errors';
import { runWithParameterStore } from '../primitives/parameter-store-scope';
import type { ParameterStore } from '../primitives/parameter-store';
import { validateOptions, type OptionRules } from '../util/validate-options';
import type { Child } from './child';
import type { SwappedEvent } from './registry-event';
import { bindSharedParameters, isSupervisableModule, loadStateKeepingLMs, type ModuleState, type SupervisableModule } from './supervisable-module';
import { callStart, disposeUnused, isolationMismatch, threadStarter } from './thread-module';
import { startOptionRule, type ThreadStart } from './thread-start';

/** Options of `Supervisor.hotSwap`. */
export interface HotSwapOptions {
  /** Builds the new instance; later restarts use it too. A thread-isolated child takes `{ module, export, args? }`. */
  start: (() => SupervisableModule | Promise<SupervisableModule>) | ThreadStart;
  /** The new version, stored with checkpoints from now on. */
  version: string;
  /**
   * Maps the old instance's `dumpState()` to state for the new one (called once per swap, and again
   * when a restart restores a checkpoint saved by `fromVersion`). Without it, the new instance starts as `start` built it.
   */
  migrate?: (oldState: ModuleState, fromVersion: string) => ModuleState | Promise<ModuleState>;
}

/** What a swap needs from the supervisor. */
export interface HotSwapContext {
  parameterStore(): ParameterStore;
  serialized<T>(task: () => Promise<T>): Promise<T>;
  refusal(): DspexError | undefined;
  emit(event: SwappedEvent): void;
}

function failure(child: Child, problem: string, received: string, cause: unknown): HotSwapError {
  return new HotSwapError(
    describeProblem(`Hot swap of "${child.id}" failed: ${problem}; the old instance keeps serving.`, received, 'Fix the new start/migrate and swap again.'),
    {
      cause,
      details: { id: child.id, version: child.version },
    },
  );
}

/**
 * Builds the new instance, then (serialized with restarts) holds new calls for the moment it takes
 * to migrate state and switch: calls running on the old instance finish there, calls that start
 * afterwards run on the new one. Each call therefore runs exactly once.
 */
export async function performHotSwap(child: Child, options: HotSwapOptions, context: HotSwapContext): Promise<void> {
  const valid = validateHotSwapOptions(child.id, options);
  const isThread = child.spec.isolation === 'thread';
  if (isThread !== (typeof valid.start !== 'function')) throw isolationMismatch(child.id, 'start', isThread, valid.start);
  const start = typeof valid.start === 'function' ? valid.start : threadStarter(child.id, valid.start);
  const refused = context.refusal();
  if (refused !== undefined) throw failure(child, 'the supervisor is not running', refused.code, refused);
  if (child.nestedSupervisor() !== undefined || child.status === 'stopped') {
    throw failure(child, child.status === 'stopped' ? 'the child is stopped' : 'a nested supervisor cannot be swapped', child.status, undefined);
  }
  let next: unknown;
  try {
    next = await runWithParameterStore(context.parameterStore(), () => callStart(start, child.log));
  } catch (error) {
    throw failure(child, 'start() threw', describeValue(error instanceof Error ? error.message : error), error);
  }
  if (!isSupervisableModule(next)) throw failure(child, 'start() did not return a Module', describeValue(next), undefined);
  bindSharedParameters(next, context.parameterStore());
  const instance = next;
  try {
    await switchTo(child, instance, { ...valid, start }, context);
  } catch (error) {
    // The new instance never went live: a thread-isolated one ends its thread.
    await disposeUnused(instance);
    throw error;
  }
}

async function switchTo(
  child: Child,
  instance: SupervisableModule,
  valid: HotSwapOptions & { start: () => SupervisableModule | Promise<SupervisableModule> },
  context: HotSwapContext,
): Promise<void> {
  for (;;) {
    // Waiting for a restart happens outside the serialized section: the restart itself runs there.
    if (!(await child.whenLive())) throw failure(child, 'the child stopped before the switch', child.status, context.refusal());
    const isDone = await context.serialized(async () => {
      if (child.status !== 'running') return false;
      const old = child.beginSwap();
      const fromVersion = child.version;
      try {
        if (valid.migrate !== undefined) await loadStateKeepingLMs(instance, await valid.migrate(old.dumpState(), fromVersion));
      } catch (error) {
        child.endSwap();
        throw failure(child, 'migrate or loadState threw', describeValue(error instanceof Error ? error.message : error), error);
      }
      child.endSwap({ instance, start: valid.start, version: valid.version, migrate: valid.migrate });
      context.emit({ type: 'swapped', id: child.id, version: valid.version, fromVersion });
      // Restarts from now on must resume the new version's state, not the old one's.
      child.checkpointInBackground();
      return true;
    });
    if (isDone) return;
  }
}

const HOT_SWAP_RULES: OptionRules = {
  start: startOptionRule('a function () => new MyModule() (or a thread start { module, export })'),
  version: { kind: 'string', required: true },
  migrate: { kind: 'function' },
};

function validateHotSwapOptions(id: string, options: unknown): HotSwapOptions {
  return validateOptions(`hotSwap("${id}")`, options, HOT_SWAP_RULES, {
    allowUndefined: false,
    error: (message, details) => new ChildSpecError(message, { details: { ...details, id, field: details.option ?? 'options' } }),
  }).known as unknown as HotSwapOptions;
}
