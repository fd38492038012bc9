import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { Supervisor } from '../../lib/runtime/supervisor';
import { ManualClock, settle, silentLogger } from '../helpers/runtime-support';
import { SeededRandom } from '../../lib/util/seeded-random';

/** Answers `n * 2` after a few turns (so calls overlap); throws when told to. */
class Doubler extends Module {
  async forward(inputs: Record<string, unknown>): Promise<Prediction> {
    const turns = Number(inputs.turns);
    for (let turn = 0; turn < turns; turn += 1) await Promise.resolve();
    if (inputs.crash === true) throw new Error('chaos');
    return new Prediction({ value: Number(inputs.n) * 2 });
  }
}

describe('chaos', () => {
  it('stays up through 5,000 calls over 20 children with 10 % random crashes, answering every healthy call correctly', async () => {
    const random = new SeededRandom(20240531);
    const clock = new ManualClock();
    const supervisor = new Supervisor({ logger: silentLogger, clock, maxRestarts: 50, withinMs: 1000 });
    const refs = [];
    for (let index = 0; index < 20; index += 1) refs.push(await supervisor.startChild({ id: `child-${index}`, start: () => new Doubler(), concurrency: 4 }));
    const calls: { child: number; n: number; crash: boolean; result: Promise<Prediction> }[] = [];
    for (let batch = 0; batch < 50; batch += 1) {
      for (let index = 0; index < 100; index += 1) {
        const child = random.below(refs.length);
        const n = batch * 100 + index;
        const crash = random.random() < 0.1;
        calls.push({ child, n, crash, result: refs[child].forward({ n, crash, turns: random.below(4) }) });
      }
      await settle(2);
      clock.advance(1000);
    }
    const outcomes = await Promise.allSettled(calls.map((call) => call.result));
    await settle();
    expect(supervisor.status).toBe('running');
    const healthy = calls.map((call, index) => ({ call, outcome: outcomes[index] })).filter(({ call }) => !call.crash);
    const wrong = healthy.filter(({ call, outcome }) => outcome.status !== 'fulfilled' || outcome.value.value !== call.n * 2);
    expect(wrong).toEqual([]);
    const crashing = calls.map((call, index) => ({ call, outcome: outcomes[index] })).filter(({ call }) => call.crash);
    expect(crashing.length).toBeGreaterThan(400);
    expect(crashing.every(({ outcome }) => outcome.status === 'rejected' && (outcome.reason as { code: string }).code === 'MODULE_CRASHED')).toBe(true);
    let restarts = 0;
    for (const ref of refs) {
      const metrics = ref.metrics();
      expect(metrics.calls).toBe(metrics.successes + metrics.failures);
      expect(metrics).toMatchObject({ queued: 0, running: 0 });
      restarts += metrics.restarts;
    }
    expect(refs.reduce((sum, ref) => sum + ref.metrics().calls, 0)).toBe(5000);
    expect(restarts).toBeGreaterThan(0);
    await supervisor.stop();
  });
});
