import { CheckpointCorruptError, ChildSpecError, DspexError, ModuleCrashedError, describeProblem, describeValue } from '../errors';
import type { Logger } from '../logging/logger';
import type { ParameterStore } from '../primitives/parameter-store';
import { runWithParameterStore } from '../primitives/parameter-store-scope';
import type { Checkpoint, CheckpointStore } from './checkpoint-store';
import type { ChildInstance, ResolvedChildSpec } from './child-spec';
import type { CorruptedEvent } from './registry-event';
import { bindSharedParameters, isSupervisableModule, loadStateKeepingLMs, type SupervisableModule } from './supervisable-module';
import { ADOPT_PARAMETER_STORE, isSupervisor } from './supervisor-brand';
import { callStart, disposeUnused } from './thread-module';

/** What starting an instance needs from the supervisor. */
export interface StartContext {
  readonly checkpointStore: CheckpointStore;
  readonly parameterStore: ParameterStore;
  readonly log: Logger;
  emitCorrupted(event: CorruptedEvent): void;
}

/**
 * Creates a fresh instance with `spec.start`, binds its shared parameters and restores the newest
 * good checkpoint of the child. A bad checkpoint (corrupt, or rejected by `loadState`) is reported
 * (`corrupted`) and the previous good one is used; with none left the instance starts fresh. A bad
 * checkpoint never stops the child from starting.
 * @throws {ModuleCrashedError} MODULE_CRASHED when `start` throws (cause: what it threw).
 * @throws {ChildSpecError} CHILD_SPEC_INVALID when `start` returns something other than a Module or Supervisor, or the store rejects the id.
 */
export async function startInstance(spec: ResolvedChildSpec, context: StartContext): Promise<ChildInstance> {
  let instance: unknown;
  try {
    // Modules built by start() bind shared parameters to this supervisor's store from their first write.
    instance = await runWithParameterStore(context.parameterStore, () => callStart(spec.start, context.log));
  } catch (error) {
    throw new ModuleCrashedError(
      describeProblem(
        `Child "${spec.id}" failed to start: its start() threw.`,
        describeValue(error instanceof Error ? error.message : error),
        'Fix start(), or the module constructor it calls.',
      ),
      {
        cause: error,
        details: { id: spec.id, phase: 'start' },
      },
    );
  }
  if (isSupervisor(instance)) {
    instance[ADOPT_PARAMETER_STORE](context.parameterStore);
    return instance as unknown as ChildInstance;
  }
  if (!isSupervisableModule(instance)) {
    throw new ChildSpecError(
      describeProblem(
        `Child "${spec.id}" start() must return a Module or a Supervisor.`,
        describeValue(instance),
        'Return a new instance, e.g. start: () => new QA().',
      ),
      {
        details: { id: spec.id, field: 'start' },
      },
    );
  }
  bindSharedParameters(instance, context.parameterStore);
  try {
    await restoreNewestCheckpoint(instance, spec, context);
  } catch (error) {
    await disposeUnused(instance);
    throw error;
  }
  return instance;
}

async function restoreNewestCheckpoint(instance: SupervisableModule, spec: ResolvedChildSpec, context: StartContext): Promise<void> {
  const report = (error: DspexError): void => context.emitCorrupted({ type: 'corrupted', id: spec.id, version: spec.version, error });
  let newest: Checkpoint | undefined;
  try {
    newest = await context.checkpointStore.load(spec.id, { onCorrupt: report });
  } catch (error) {
    if (error instanceof ChildSpecError) throw error;
    // An unreadable store must not keep the child down: start fresh, and say so.
    context.log.error({ err: error, child: spec.id }, 'checkpoint store failed; starting fresh');
    report(
      new CheckpointCorruptError(
        describeProblem(
          `Checkpoints of "${spec.id}" could not be read.`,
          describeValue(error instanceof Error ? error.message : error),
          'Check the checkpoint store.',
        ),
        { cause: error, details: { id: spec.id } },
      ),
    );
    return;
  }
  if (newest === undefined || (await tryCheckpoint(instance, newest, spec, context, report))) return;
  // The newest state was rejected: fall back to the previous good checkpoints, newest first (corrupt files were reported already).
  let older: Checkpoint[];
  try {
    older = await context.checkpointStore.list(spec.id);
  } catch (error) {
    context.log.error({ err: error, child: spec.id }, 'checkpoint store failed; starting fresh');
    return;
  }
  const rejected = JSON.stringify(newest);
  for (const checkpoint of older) {
    if (JSON.stringify(checkpoint) === rejected) continue;
    if (await tryCheckpoint(instance, checkpoint, spec, context, report)) return;
  }
  context.log.warn({ child: spec.id }, 'no stored checkpoint fits the module; starting fresh');
}

/** Loads one checkpoint; a rejected one is reported (`corrupted`) and leaves the instance untouched (loadState is all or nothing). */
async function tryCheckpoint(
  instance: SupervisableModule,
  checkpoint: Checkpoint,
  spec: ResolvedChildSpec,
  context: StartContext,
  report: (error: DspexError) => void,
): Promise<boolean> {
  try {
    await applyCheckpoint(instance, checkpoint, spec);
    return true;
  } catch (error) {
    context.log.warn(
      { child: spec.id, checkpointVersion: checkpoint.version, createdAt: checkpoint.createdAt, code: DspexError.is(error) ? error.code : undefined },
      'checkpoint rejected by loadState; trying the previous one',
    );
    report(
      new CheckpointCorruptError(
        describeProblem(
          `A stored checkpoint of "${spec.id}" (version ${checkpoint.version}) does not fit the module (version ${spec.version}).`,
          describeValue(error instanceof Error ? error.message : error),
          'Give hotSwap a migrate function, or delete the stale checkpoint.',
        ),
        { cause: error, details: { id: spec.id, checkpointVersion: checkpoint.version, createdAt: checkpoint.createdAt } },
      ),
    );
    return false;
  }
}

/**
 * Loads a checkpoint into an instance, first mapping it with the child's `migrate` when the
 * checkpoint comes from another version. `loadState` is all-or-nothing, so a rejected checkpoint
 * leaves the instance as `start` built it; the instance keeps the LMs `start` gave it.
 */
export async function applyCheckpoint(
  instance: SupervisableModule,
  checkpoint: Checkpoint,
  spec: Pick<ResolvedChildSpec, 'version' | 'migrate'>,
): Promise<void> {
  const state = checkpoint.version !== spec.version && spec.migrate !== undefined ? await spec.migrate(checkpoint.state, checkpoint.version) : checkpoint.state;
  await loadStateKeepingLMs(instance, state);
}
