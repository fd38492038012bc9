import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { ChildSpecError, InputValidationError, LMHttpError, ModuleCrashedError, ModuleExit, OutputValidationError } from '../../lib/errors';
import { Example } from '../../lib/primitives/example';
import { Prediction } from '../../lib/primitives/prediction';
import { Supervisor } from '../../lib/runtime/supervisor';
import { liveThreadCount } from '../../lib/runtime/thread-module';
import { silentLogger } from '../helpers/runtime-support';
import { COUNTER_MODULE, nextEvent, startCounter } from '../helpers/thread-support';

/** Thread-isolated children: calls cross into a worker thread, and errors come back as the same classes. */
describe('isolation: thread — calls', () => {
  let supervisor: Supervisor;

  beforeEach(() => {
    supervisor = new Supervisor({ logger: silentLogger, maxRestarts: 20 });
  });

  afterEach(async () => {
    await supervisor.stop();
    expect(liveThreadCount()).toBe(0);
  });

  it('runs forward in a worker thread and answers with a Prediction', async () => {
    const ref = await startCounter(supervisor);
    const prediction = await ref.forward({ action: 'echo', text: 'hi' });
    expect(prediction).toBeInstanceOf(Prediction);
    expect(prediction.answer).toBe('hi');
    expect(prediction.threadId).not.toBe(threadId);
    expect(prediction.isExample).toBe(false);
  });

  it('rebuilds an Example input as an Example in the thread', async () => {
    const ref = await startCounter(supervisor);
    const prediction = await ref.forward(new Example({ action: 'echo', text: 'ex' }).withInputs('action', 'text'));
    expect(prediction.isExample).toBe(true);
    expect(prediction.answer).toBe('ex');
  });

  it('a throwing forward crashes the instance: ModuleCrashedError, cause kept, a new thread serves next', async () => {
    const ref = await startCounter(supervisor);
    const first = await ref.forward({ action: 'echo' });
    const restarted = nextEvent(supervisor.registry, 'restarted');
    const error = await ref.forward({ action: 'crash' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModuleCrashedError);
    expect(String((error as Error).cause)).toContain('TypeError: boom');
    await restarted;
    const after = await ref.forward({ action: 'echo' });
    expect(after.threadId).not.toBe(first.threadId);
    expect(ref.metrics().restarts).toBe(1);
  });

  it('a call failure comes back as the same class and code; the instance keeps serving', async () => {
    const ref = await startCounter(supervisor);
    const first = await ref.forward({ action: 'echo' });
    const error = await ref.forward({ action: 'fail' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LMHttpError);
    expect(error).toMatchObject({ code: 'LM_HTTP', status: 503 });
    expect((await ref.forward({ action: 'echo' })).threadId).toBe(first.threadId);
    expect(ref.metrics().restarts).toBe(0);
  });

  it('ModuleExit is a normal exit: a transient child stops', async () => {
    const ref = await startCounter(supervisor, { restart: 'transient' });
    const stopped = nextEvent(supervisor.registry, 'stopped');
    await expect(ref.forward({ action: 'exit' })).rejects.toBeInstanceOf(ModuleExit);
    expect((await stopped).reason).toBe('exited');
    expect(ref.status).toBe('stopped');
  });

  it('a thread that exits (process.exit in the module) is a crash, and the child restarts', async () => {
    const ref = await startCounter(supervisor);
    const restarted = nextEvent(supervisor.registry, 'restarted');
    const error = await ref.forward({ action: 'die' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModuleCrashedError);
    expect(String((error as Error).message)).toContain('crashed');
    await restarted;
    expect((await ref.forward({ action: 'echo', text: 'back' })).answer).toBe('back');
  });

  it('a thread that sends a message outside the protocol is terminated: its calls crash', async () => {
    const ref = await startCounter(supervisor);
    const restarted = nextEvent(supervisor.registry, 'restarted');
    const error = await ref.forward({ action: 'forge' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModuleCrashedError);
    expect(String((error as Error).cause)).toContain('protocol');
    await restarted;
    expect((await ref.forward({ action: 'echo', text: 'ok' })).answer).toBe('ok');
  });

  it('inputs that cannot cross (a function) fail the call with INPUT_INVALID, without a crash', async () => {
    const ref = await startCounter(supervisor);
    await expect(ref.forward({ action: 'echo', text: () => 1 })).rejects.toBeInstanceOf(InputValidationError);
    expect((await ref.forward({ action: 'echo', text: 'still here' })).answer).toBe('still here');
    expect(ref.metrics().restarts).toBe(0);
  });

  it('an answer that cannot cross back fails the call with OUTPUT_INVALID, without a crash', async () => {
    const ref = await startCounter(supervisor);
    const error = await ref.forward({ action: 'function' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutputValidationError);
    expect((error as Error).message).toContain('structured clone');
    expect(ref.metrics().restarts).toBe(0);
  });

  it('a module file without the named export fails startChild with the reason', async () => {
    const error = await startCounter(supervisor, { exportName: 'Missing' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModuleCrashedError);
    expect(String((error as Error).cause)).toContain('has no exported class "Missing"');
  });

  it('an export that is not a Module fails startChild', async () => {
    const error = await startCounter(supervisor, { exportName: 'NotAModule' }).catch((caught: unknown) => caught);
    expect(String((error as Error).cause)).toContain('does not build a Module');
  });

  it.each([
    ['a function start', { isolation: 'thread', start: () => null }, 'closures cannot cross'],
    ['a thread start without isolation', { start: { module: COUNTER_MODULE, export: 'Counter' } }, "needs isolation: 'thread'"],
    ['a relative module path', { isolation: 'thread', start: { module: 'counter-module.js', export: 'Counter' } }, 'absolute path'],
    ['a missing file', { isolation: 'thread', start: { module: '/nowhere/module.js', export: 'Counter' } }, 'does not exist'],
    [
      'a file that is not JavaScript',
      { isolation: 'thread', start: { module: path.join(__dirname, '..', '..', 'package.json'), export: 'Counter' } },
      'compiled .js',
    ],
    ['args that cannot be cloned', { isolation: 'thread', start: { module: COUNTER_MODULE, export: 'Counter', args: [() => 1] } }, 'structured-cloned'],
    ['an unknown key', { isolation: 'thread', start: { module: COUNTER_MODULE, export: 'Counter', arg: [] } }, 'unknown key "arg"'],
    ['an unknown isolation', { isolation: 'process', start: () => null }, "'none' or 'thread'"],
  ])('rejects %s with CHILD_SPEC_INVALID', async (_label, spec, message) => {
    const error = await supervisor.startChild({ id: 'bad', ...(spec as object) } as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChildSpecError);
    expect((error as Error).message).toContain(message);
  });
});
