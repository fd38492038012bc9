import { SpanStatusCode } from '@opentelemetry/api';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { Supervisor } from '../../lib/runtime/supervisor';
import { configure, resetSettings } from '../../lib/settings/settings';
import { installTracing, type InMemoryTracing } from '../helpers/in-memory-tracing';
import { QA } from '../helpers/qa-program';
import { Deferred, ManualClock, Worker, silentLogger } from '../helpers/runtime-support';

const newSupervisor = () => new Supervisor({ logger: silentLogger, clock: new ManualClock(), maxRestarts: 100 });

let tracing: InMemoryTracing;

beforeEach(() => {
  tracing = installTracing();
});

afterEach(() => {
  tracing.uninstall();
  resetSettings();
});

describe('supervised call spans', () => {
  it('wrap a call to a child, with the child’s module, LM and adapter spans beneath', async () => {
    configure({ lm: new DummyLM([{ answer: 'Paris' }]) });
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'qa', start: () => new QA(), version: '3' });
    await ref.forward({ question: 'Capital of France?' });
    await supervisor.stop();

    expect(tracing.tree()).toEqual([
      'supervised_call qa',
      '  QA.forward',
      '    Predict.forward',
      '      ChatAdapter.format',
      '      chat dummy',
      '      ChatAdapter.parse',
    ]);
    expect(tracing.span('supervised_call qa').attributes).toEqual({
      'dspex.supervisor.child.id': 'qa',
      'dspex.supervisor.child.version': '3',
      'dspex.supervisor.call.outcome': 'success',
      'dspex.supervisor.child.restarts': 0,
      'dspex.supervisor.call.restarts': 0,
    });
  });

  it('show each attempt of a call retried after a crash, and the restart it caused', async () => {
    const supervisor = newSupervisor();
    let crashes = 1;
    /** Crashes on the first call across its instances. */
    class Flaky extends Worker {
      override async forward(inputs: Record<string, unknown>, options?: { signal?: AbortSignal }) {
        if (crashes-- > 0) throw new Error('transient failure');
        return super.forward(inputs, options);
      }
    }
    const ref = await supervisor.startChild({ id: 'flaky', retries: 1, start: () => new Flaky() });
    await ref.forward({ n: 1 });
    await supervisor.stop();

    const call = tracing.span('supervised_call flaky');
    expect(call.attributes).toMatchObject({
      'dspex.supervisor.call.outcome': 'success',
      'dspex.supervisor.call.restarts': 1,
      'dspex.supervisor.child.restarts': 1,
    });
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    expect(tracing.tree()).toEqual(['supervised_call flaky', '  Flaky.forward', '  Flaky.forward']);
    expect(
      tracing
        .spans()
        .filter((span) => span.name === 'Flaky.forward')
        .map((span) => span.status.code),
    ).toEqual([SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
  });

  it('record a crashed call as a failure with the error code', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await supervisor.stop();

    const call = tracing.span('supervised_call worker');
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
    expect(call.attributes).toMatchObject({ 'dspex.supervisor.call.outcome': 'failure', 'error.type': 'MODULE_CRASHED' });
  });

  it('record a call its caller aborted as cancelled', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    const controller = new AbortController();
    const pending = ref.forward({ hang: true }, { signal: controller.signal });
    controller.abort(new Error('user left'));
    await expect(pending).rejects.toThrow('user left');
    await supervisor.stop();

    expect(tracing.span('supervised_call worker').attributes['dspex.supervisor.call.outcome']).toBe('cancelled');
  });

  it('record a call refused over maxQueued as rejected', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'busy', start: () => new Worker(), concurrency: 1, maxQueued: 1 });
    const gate = new Deferred();
    const running = ref.forward({ gate, n: 1 });
    const waiting = ref.forward({ n: 2 });
    await expect(ref.forward({ n: 3 })).rejects.toMatchObject({ code: 'CHILD_OVERLOADED' });
    gate.resolve();
    await Promise.all([running, waiting]);
    await supervisor.stop();

    const outcomes = tracing
      .spans()
      .map((span) => span.attributes['dspex.supervisor.call.outcome'])
      .filter((outcome) => outcome !== undefined);
    expect(outcomes.sort()).toEqual(['rejected', 'success', 'success']);
  });

  it('parent the module span of a call that waited in the queue to its own call span', async () => {
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'serial', start: () => new Worker(), concurrency: 1 });
    const gate = new Deferred();
    const first = ref.forward({ gate, n: 1 });
    const second = ref.forward({ n: 2 });
    gate.resolve();
    await Promise.all([first, second]);
    await supervisor.stop();

    // Without binding the waiting task to its caller, it ran in the context of the call that freed the slot.
    expect(tracing.tree()).toEqual(['supervised_call serial', '  Worker.forward', 'supervised_call serial', '  Worker.forward']);
    expect(new Set(tracing.spans().map((span) => span.spanContext().traceId)).size).toBe(2);
  });
});
