import { ModuleCrashedError, SupervisorEscalationError } from '../../lib/errors';
import { Prediction } from '../../lib/primitives/prediction';
import { RestartIntensity } from '../../lib/runtime/restart-intensity';
import { Supervisor } from '../../lib/runtime/supervisor';
import type { EscalatedEvent } from '../../lib/runtime/registry-event';
import { ManualClock, Worker, settle, silentLogger, workerFactory } from '../helpers/runtime-support';

describe('RestartIntensity', () => {
  it('allows maxRestarts restarts within the window and refuses one more', () => {
    const clock = new ManualClock();
    const intensity = new RestartIntensity(3, 5000, clock);
    expect([intensity.recordRestart(), intensity.recordRestart(), intensity.recordRestart()]).toEqual([false, false, false]);
    expect(intensity.recordRestart()).toBe(true);
  });

  it('forgets restarts older than the window', () => {
    const clock = new ManualClock();
    const intensity = new RestartIntensity(1, 1000, clock);
    expect(intensity.recordRestart()).toBe(false);
    clock.advance(1000);
    expect(intensity.recordRestart()).toBe(false);
    clock.advance(999);
    expect(intensity.recordRestart()).toBe(true);
  });
});

async function crash(supervisor: Supervisor, id: string): Promise<void> {
  await expect(supervisor.registry.lookup(id)!.forward({ crash: true })).rejects.toBeInstanceOf(Error);
  await settle();
}

describe('restart intensity in a supervisor', () => {
  it('escalates the root after maxRestarts + 1 crashes within withinMs, stopping children in reverse start order', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ maxRestarts: 2, withinMs: 1000, logger: silentLogger, clock });
    const stopped: string[] = [];
    const escalated: EscalatedEvent[] = [];
    supervisor.registry.on('stopped', (event) => stopped.push(event.id));
    supervisor.registry.on('escalated', (event) => escalated.push(event));
    await supervisor.startChild({ id: 'first', start: () => new Worker() });
    await supervisor.startChild({ id: 'flaky', start: () => new Worker() });
    await supervisor.startChild({ id: 'last', start: () => new Worker() });
    await crash(supervisor, 'flaky');
    await crash(supervisor, 'flaky');
    expect(supervisor.status).toBe('running');
    await crash(supervisor, 'flaky');
    expect(supervisor.status).toBe('escalated');
    expect(stopped).toEqual(['last', 'flaky', 'first']);
    expect(escalated).toHaveLength(1);
    expect(escalated[0]).toMatchObject({ id: 'flaky', version: '1', error: { code: 'SUPERVISOR_ESCALATION' } });
    expect(escalated[0].error.cause).toBeInstanceOf(ModuleCrashedError);
  });

  it('is escalated by the time the caller sees the crash that passed the intensity', async () => {
    const supervisor = new Supervisor({ maxRestarts: 0, logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'flaky', start: () => new Worker() });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    expect(supervisor.status).toBe('escalated');
  });

  it('spreads crashes over time without escalating', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ maxRestarts: 1, withinMs: 1000, logger: silentLogger, clock });
    await supervisor.startChild({ id: 'flaky', start: () => new Worker() });
    for (let round = 0; round < 5; round += 1) {
      await crash(supervisor, 'flaky');
      clock.advance(1000);
    }
    expect(supervisor.status).toBe('running');
    expect(supervisor.registry.lookup('flaky')!.metrics().restarts).toBe(5);
  });

  it('rejects calls after escalation with SUPERVISOR_ESCALATION whose cause is the last crash', async () => {
    const supervisor = new Supervisor({ maxRestarts: 0, logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'flaky', start: () => new Worker() });
    await crash(supervisor, 'flaky');
    const error = await ref.forward({ n: 1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SupervisorEscalationError);
    expect(error).toMatchObject({ code: 'SUPERVISOR_ESCALATION', cause: { code: 'MODULE_CRASHED' } });
    await expect(supervisor.startChild({ id: 'late', start: () => new Worker() })).rejects.toMatchObject({ code: 'SUPERVISOR_ESCALATION' });
  });

  it('serves calls of a child with a fallback after escalation, and counts them', async () => {
    const supervisor = new Supervisor({ maxRestarts: 0, logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'flaky', start: () => new Worker(), fallback: () => new Prediction({ value: 'degraded' }) });
    // The crashing call itself is served by the fallback too.
    await expect(ref.forward({ crash: true })).resolves.toMatchObject({ value: 'degraded' });
    await settle();
    expect(supervisor.status).toBe('escalated');
    await expect(ref.forward({ n: 1 })).resolves.toMatchObject({ value: 'degraded' });
    expect(ref.history(1)[0]).toMatchObject({ outcome: 'fallback', errorCode: 'SUPERVISOR_ESCALATION' });
  });

  it('counts failed restart attempts toward the intensity', async () => {
    let starts = 0;
    const supervisor = new Supervisor({ maxRestarts: 3, withinMs: 5000, logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({
      id: 'fragile',
      start: () => {
        starts += 1;
        if (starts > 1) throw new Error('cannot start again');
        return new Worker();
      },
    });
    await crash(supervisor, 'fragile');
    expect(supervisor.status).toBe('escalated');
    // As OTP: each attempt is counted before it is made; the 4th count passes maxRestarts 3,
    // so after the first start there are 3 failed attempts.
    expect(starts).toBe(4);
    expect(ref.status).toBe('stopped');
  });

  it('does not count exits that are not restarted', async () => {
    const supervisor = new Supervisor({ maxRestarts: 0, logger: silentLogger, clock: new ManualClock() });
    for (const id of ['one', 'two', 'three']) await supervisor.startChild({ id, start: () => new Worker(), restart: 'temporary' });
    for (const id of ['one', 'two', 'three']) await crash(supervisor, id);
    expect(supervisor.status).toBe('running');
  });
});

describe('nested supervisors', () => {
  /** root (one_for_one) → [sibling, team (nested: maxRestarts 1) → [flaky]] */
  async function nestedTree(rootOptions: { maxRestarts?: number } = {}) {
    const clock = new ManualClock();
    const root = new Supervisor({ logger: silentLogger, clock, ...rootOptions, name: 'root' });
    const teams: Supervisor[] = [];
    const flaky = workerFactory();
    const rootEvents: string[] = [];
    for (const type of ['crashed', 'restarted', 'escalated'] as const) root.registry.on(type, (event) => rootEvents.push(`${type}:${event.id}`));
    await root.startChild({ id: 'sibling', start: () => new Worker() });
    await root.startChild({
      id: 'team',
      start: async () => {
        const team = new Supervisor({ maxRestarts: 1, withinMs: 5000, logger: silentLogger, clock, name: 'team' });
        await team.startChild({ id: 'flaky', start: flaky.start });
        teams.push(team);
        return team;
      },
    });
    return { root, teams, flaky, rootEvents };
  }

  it('restarts a nested supervisor that passed its intensity as one crash of its parent', async () => {
    const { root, teams, flaky, rootEvents } = await nestedTree();
    await crash(teams[0], 'flaky');
    expect(teams[0].status).toBe('running');
    await crash(teams[0], 'flaky');
    // The escalated team is discarded and stopped by its parent, so it can never recover on its own.
    expect(teams[0].status).toBe('stopped');
    expect(teams).toHaveLength(2);
    expect(teams[1].status).toBe('running');
    expect(root.status).toBe('running');
    expect(rootEvents).toEqual(['crashed:team', 'restarted:team']);
    expect((await teams[1].registry.lookup('flaky')!.forward({ n: 3 })).instance).toBe(flaky.instances[flaky.instances.length - 1].instance);
    expect(root.registry.lookup('team')!.metrics().restarts).toBe(1);
  });

  it('escalates up to the root when the parent passes its own intensity', async () => {
    const { root, teams, rootEvents } = await nestedTree({ maxRestarts: 0 });
    await crash(teams[0], 'flaky');
    await crash(teams[0], 'flaky');
    expect(teams[0].status).toBe('stopped');
    expect(root.status).toBe('escalated');
    expect(rootEvents).toEqual(['crashed:team', 'escalated:team']);
    await expect(root.registry.lookup('sibling')!.forward({ n: 1 })).rejects.toMatchObject({
      code: 'SUPERVISOR_ESCALATION',
      cause: { code: 'MODULE_CRASHED', cause: { code: 'SUPERVISOR_ESCALATION' } },
    });
  });

  it('refuses forward on a nested supervisor child with CONFIGURATION_INVALID', async () => {
    const { root } = await nestedTree();
    await expect(root.registry.lookup('team')!.forward({ n: 1 })).rejects.toMatchObject({ code: 'CONFIGURATION_INVALID' });
  });
});
