import { AdapterParseError } from '../../lib/errors';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { Supervisor } from '../../lib/runtime/supervisor';
import { ManualClock, Worker, memoryLogger } from '../helpers/runtime-support';

describe('crash logging', () => {
  it('logs a supervised crash as one warn line without a stack', async () => {
    const { logger, records } = memoryLogger('warn');
    const supervisor = new Supervisor({ logger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 1 });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 40, msg: 'child exited; restarting', child: 'worker', reason: 'crashed', code: 'MODULE_CRASHED' });
    expect(records[0].cause).toMatch(/^Error: boom from instance/);
    expect(JSON.stringify(records[0])).not.toContain('stack');
  });

  it('keeps the stack at debug', async () => {
    const { logger, records } = memoryLogger('debug');
    const supervisor = new Supervisor({ logger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    const details = records.find((record) => record.level === 20 && record.err !== undefined);
    expect(details).toMatchObject({ child: 'worker', err: { type: 'ModuleCrashedError', stack: expect.stringContaining('ModuleCrashedError') } });
    expect(records.filter((record) => (record.level as number) >= 40)).toHaveLength(1);
  });

  it('logs a call failure at debug only', async () => {
    const { logger, records } = memoryLogger('debug');
    const supervisor = new Supervisor({ logger, clock: new ManualClock() });
    const failing = new (class extends Module {
      async forward(): Promise<Prediction> {
        throw new AdapterParseError('unparseable reply');
      }
    })();
    const ref = await supervisor.startChild({ id: 'parser', start: () => failing });
    await expect(ref.forward({})).rejects.toMatchObject({ code: 'ADAPTER_PARSE' });
    expect(records.filter((record) => (record.level as number) >= 40)).toEqual([]);
    expect(records).toContainEqual(expect.objectContaining({ level: 20, msg: 'call failed', code: 'ADAPTER_PARSE' }));
  });
});
