import { ExecutionHistory, HISTORY_CAPACITY, type CallRecord } from '../../lib/runtime/execution-history';
import { Supervisor } from '../../lib/runtime/supervisor';
import { ManualClock, Worker, memoryLogger, silentLogger } from '../helpers/runtime-support';

const record = (startedAt: number, outcome: CallRecord['outcome'] = 'success'): CallRecord => ({ startedAt, durationMs: 1, outcome });

describe('ExecutionHistory', () => {
  it('keeps the last 1000 calls, oldest first', () => {
    const history = new ExecutionHistory();
    for (let index = 0; index < HISTORY_CAPACITY + 250; index += 1) history.record(record(index));
    const all = history.last();
    expect(all).toHaveLength(1000);
    expect(all[0].startedAt).toBe(250);
    expect(all[999].startedAt).toBe(1249);
    expect(history.last(3).map((entry) => entry.startedAt)).toEqual([1247, 1248, 1249]);
  });

  it('leaves cancelled calls out of the latencies', () => {
    const history = new ExecutionHistory();
    history.record({ startedAt: 0, durationMs: 5, outcome: 'success' });
    history.record({ startedAt: 0, durationMs: 500, outcome: 'cancelled' });
    history.record({ startedAt: 0, durationMs: 7, outcome: 'failure' });
    expect(history.latencies()).toEqual([5, 7]);
  });
});

describe('ModuleRef.history', () => {
  it('records start time, duration, outcome and error code of each call', async () => {
    const clock = new ManualClock();
    clock.advance(1000);
    const supervisor = new Supervisor({ logger: silentLogger, clock });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await ref.forward({ n: 1 });
    await ref.forward({ crash: true }).catch(() => undefined);
    expect(ref.history()).toEqual([
      { startedAt: 1000, durationMs: 0, outcome: 'success', errorCode: undefined },
      { startedAt: 1000, durationMs: 0, outcome: 'failure', errorCode: 'MODULE_CRASHED' },
    ]);
    expect(ref.history(1)).toHaveLength(1);
    expect(() => ref.history(-1)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  it('keeps inputs only when the supervisor logs at debug', async () => {
    const quiet = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const quietRef = await quiet.startChild({ id: 'worker', start: () => new Worker() });
    await quietRef.forward({ n: 1 });
    expect(quietRef.history()[0]).not.toHaveProperty('inputs');
    const verbose = new Supervisor({ logger: memoryLogger('debug').logger, clock: new ManualClock() });
    const verboseRef = await verbose.startChild({ id: 'worker', start: () => new Worker() });
    await verboseRef.forward({ n: 2 });
    expect(verboseRef.history()[0].inputs).toEqual({ n: 2 });
  });
});
