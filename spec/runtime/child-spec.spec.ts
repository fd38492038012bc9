import { resolveChildSpec } from '../../lib/runtime/child-spec';
import { Supervisor } from '../../lib/runtime/supervisor';
import { ManualClock, Worker, silentLogger } from '../helpers/runtime-support';
import { COUNTER_MODULE } from '../helpers/thread-support';

const start = () => new Worker();
const defaults = { checkpoint: 'manual' as const };

describe('resolveChildSpec', () => {
  it('fills in the documented defaults', () => {
    expect(resolveChildSpec({ id: 'qa', start }, defaults)).toMatchObject({
      id: 'qa',
      restart: 'permanent',
      concurrency: 16,
      timeoutMs: undefined,
      retries: 0,
      dependsOn: [],
      version: '1',
      checkpoint: 'manual',
      shutdownMs: 5000,
    });
  });

  it.each([
    ['spec', null],
    ['id', { id: '', start }],
    ['id', { id: 7, start }],
    ['start', { id: 'qa' }],
    ['restart', { id: 'qa', start, restart: 'sometimes' }],
    ['concurrency', { id: 'qa', start, concurrency: 0 }],
    ['concurrency', { id: 'qa', start, concurrency: 1.5 }],
    ['timeoutMs', { id: 'qa', start, timeoutMs: 0 }],
    ['timeoutMs', { id: 'qa', start, timeoutMs: -5 }],
    ['rateLimit', { id: 'qa', start, rateLimit: { intervalMs: 1000 } }],
    ['rateLimit', { id: 'qa', start, rateLimit: { intervalMs: 0, cap: 1 } }],
    ['retries', { id: 'qa', start, retries: -1 }],
    ['fallback', { id: 'qa', start, fallback: 'other' }],
    ['fallback', { id: 'qa', start, fallback: { child: 'qa' } }],
    ['dependsOn', { id: 'qa', start, dependsOn: 'base' }],
    ['dependsOn', { id: 'qa', start, dependsOn: ['base', 'base'] }],
    ['version', { id: 'qa', start, version: 2 }],
    ['checkpoint', { id: 'qa', start, checkpoint: 'always' }],
    ['checkpoint', { id: 'qa', start, checkpoint: { everyMs: 0 } }],
    ['shutdownMs', { id: 'qa', start, shutdownMs: -1 }],
    ['timeout', { id: 'qa', start, timeout: 5 }],
  ])('rejects an invalid %s with CHILD_SPEC_INVALID naming the field', (field, spec) => {
    expect(() => resolveChildSpec(spec, defaults)).toThrow(
      expect.objectContaining({ code: 'CHILD_SPEC_INVALID', details: expect.objectContaining({ field }) }),
    );
  });
});

describe('child spec validation with the options helper', () => {
  it('suggests the closest key for a misspelled one', () => {
    expect(() => resolveChildSpec({ id: 'qa', start, timeout: 5 }, defaults)).toThrow(
      expect.objectContaining({ code: 'CHILD_SPEC_INVALID', details: expect.objectContaining({ field: 'timeout', suggestion: 'timeoutMs' }) }),
    );
    expect(() => resolveChildSpec({ id: 'qa', start, crashon: 'any' }, defaults)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ suggestion: 'crashOn' }) }),
    );
  });

  it.each([
    ['timeoutMs', { timeoutMs: 2 ** 31 }],
    ['timeoutMs', { timeoutMs: Number.NaN }],
    ['shutdownMs', { shutdownMs: 2 ** 31 }],
    ['crashOn', { crashOn: 'sometimes' }],
    ['maxQueued', { maxQueued: 1.5 }],
    ['isolation', { isolation: 'process' }],
    ['rateLimit', { rateLimit: { intervalMs: 2 ** 31, cap: 1 } }],
  ])('rejects an out-of-range %s', (field, extra) => {
    expect(() => resolveChildSpec({ id: 'qa', start, ...extra }, defaults)).toThrow(
      expect.objectContaining({ code: 'CHILD_SPEC_INVALID', details: expect.objectContaining({ field }) }),
    );
  });

  it("says isolation: 'thread' needs a { module, export } start (closures cannot cross into a thread)", () => {
    expect(() => resolveChildSpec({ id: 'qa', start, isolation: 'thread' }, defaults)).toThrow(
      expect.objectContaining({ code: 'CHILD_SPEC_INVALID', details: expect.objectContaining({ field: 'start' }) }),
    );
  });

  it("resolves a thread start to a start function and keeps isolation: 'thread'", () => {
    const resolved = resolveChildSpec({ id: 'qa', isolation: 'thread', start: { module: COUNTER_MODULE, export: 'Counter' } }, defaults);
    expect(resolved).toMatchObject({ isolation: 'thread' });
    expect(typeof resolved.start).toBe('function');
  });

  it('accepts the documented limits: timeoutMs up to 2,147,483,647 or Infinity, shutdownMs 0 or Infinity, maxQueued Infinity', () => {
    expect(resolveChildSpec({ id: 'qa', start, timeoutMs: 2_147_483_647, shutdownMs: 0 }, defaults)).toMatchObject({ timeoutMs: 2_147_483_647, shutdownMs: 0 });
    expect(
      resolveChildSpec({ id: 'qa', start, timeoutMs: Infinity, shutdownMs: Infinity, maxQueued: Infinity, isolation: 'none', crashOn: 'any' }, defaults),
    ).toMatchObject({
      timeoutMs: undefined,
      shutdownMs: Infinity,
      maxQueued: Infinity,
      isolation: 'none',
      crashOn: 'any',
    });
    expect(resolveChildSpec({ id: 'qa', start }, defaults)).toMatchObject({ crashOn: 'unexpected', maxQueued: 10_000, isolation: 'none' });
  });

  it('validates hotSwap options the same way, with CHILD_SPEC_INVALID', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    await supervisor.startChild({ id: 'qa', start });
    await expect(supervisor.hotSwap('qa', { start, version: '2', migrat: () => ({}) } as never)).rejects.toMatchObject({
      code: 'CHILD_SPEC_INVALID',
      details: { field: 'migrat', suggestion: 'migrate' },
    });
    await expect(supervisor.hotSwap('qa', { version: '2' } as never)).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID', details: { field: 'start' } });
  });
});

describe('startChild validation', () => {
  const newSupervisor = () => new Supervisor({ logger: silentLogger, clock: new ManualClock() });

  it('rejects a duplicate id with CHILD_EXISTS and leaves the first child serving', async () => {
    const supervisor = newSupervisor();
    const first = await supervisor.startChild({ id: 'qa', start });
    await expect(supervisor.startChild({ id: 'qa', start })).rejects.toMatchObject({ code: 'CHILD_EXISTS', details: { id: 'qa' } });
    await expect(first.forward({ n: 1 })).resolves.toMatchObject({ value: 1 });
  });

  it('rejects an unknown dependsOn id', async () => {
    const supervisor = newSupervisor();
    await expect(supervisor.startChild({ id: 'qa', start, dependsOn: ['retriever'] })).rejects.toMatchObject({
      code: 'CHILD_SPEC_INVALID',
      details: { field: 'dependsOn', missing: ['retriever'] },
    });
  });

  it('rejects a dependency cycle', async () => {
    const supervisor = newSupervisor();
    await expect(supervisor.startChild({ id: 'qa', start, dependsOn: ['qa'] })).rejects.toMatchObject({
      code: 'CHILD_SPEC_INVALID',
      details: { field: 'dependsOn', cycle: ['qa', 'qa'] },
    });
  });

  it('rejects a fallback child that does not exist', async () => {
    const supervisor = newSupervisor();
    await expect(supervisor.startChild({ id: 'qa', start, fallback: { child: 'spare' } })).rejects.toMatchObject({
      code: 'CHILD_SPEC_INVALID',
      details: { field: 'fallback' },
    });
  });

  it('rejects an invalid spec without disturbing running children', async () => {
    const supervisor = newSupervisor();
    const running = await supervisor.startChild({ id: 'ok', start });
    await expect(supervisor.startChild({ id: 'bad', start, concurrency: -1 })).rejects.toMatchObject({ code: 'CHILD_SPEC_INVALID' });
    await expect(running.forward({ n: 2 })).resolves.toMatchObject({ value: 2 });
    expect(supervisor.registry.list().map((row) => row.id)).toEqual(['ok']);
  });
});

describe('Supervisor options', () => {
  it.each([
    ['strategy', { strategy: 'one_for_some' }],
    ['maxRestarts', { maxRestarts: -1 }],
    ['withinMs', { withinMs: 0 }],
    ['clock', { clock: {} }],
    ['checkpointStore', { checkpointStore: {} }],
    ['intensity', { intensity: 3 }],
    ['withinMs', { withinMs: 2 ** 31 }],
    ['recoverAfterMs', { recoverAfterMs: -5 }],
  ])('rejects an invalid %s with CONFIGURATION_INVALID', (option, options) => {
    expect(() => new Supervisor(options as never)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ option }) }),
    );
  });

  it('suggests the closest option for a misspelled one', () => {
    expect(() => new Supervisor({ maxRestart: 3 } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIGURATION_INVALID', details: expect.objectContaining({ suggestion: 'maxRestarts' }) }),
    );
  });

  it('defaults to one_for_one and running', () => {
    const supervisor = new Supervisor({ logger: silentLogger });
    expect(supervisor.strategy).toBe('one_for_one');
    expect(supervisor.status).toBe('running');
  });
});
