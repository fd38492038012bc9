import { CallCounters, metricsOf } from '../../lib/runtime/metrics';
import { Supervisor } from '../../lib/runtime/supervisor';
import { Deferred, ManualClock, Worker, silentLogger } from '../helpers/runtime-support';

describe('metricsOf', () => {
  it('derives calls and nearest-rank latency percentiles', () => {
    const counters = new CallCounters();
    counters.successes = 7;
    counters.failures = 3;
    const latencies = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(metricsOf(counters, latencies)).toMatchObject({ calls: 10, successes: 7, failures: 3, latencyMs: { p50: 50, p90: 90, p99: 99 } });
  });

  it('reports zero latencies when there are no calls', () => {
    expect(metricsOf(new CallCounters(), []).latencyMs).toEqual({ p50: 0, p90: 0, p99: 0 });
  });
});

describe('ModuleRef.metrics', () => {
  it('measures latency from arrival to settlement on the supervisor clock', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ logger: silentLogger, clock });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    for (const delay of [10, 20, 30, 40]) {
      const gate = new Deferred();
      const call = ref.forward({ gate, n: 1 });
      clock.advance(delay);
      gate.resolve();
      await call;
    }
    expect(ref.metrics()).toMatchObject({ calls: 4, successes: 4, latencyMs: { p50: 20, p90: 40, p99: 40 } });
  });
});
