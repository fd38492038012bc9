import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { LM } from '../../lib/lm/lm';
import { LMCache } from '../../lib/lm/lm-cache';
import { Predict } from '../../lib/predict/predict';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { Supervisor } from '../../lib/runtime/supervisor';
import { Deferred, ManualClock, Worker, silentLogger } from '../helpers/runtime-support';

/** Records the signal each forward receives. */
class SignalRecorder extends Module {
  readonly signals: (AbortSignal | undefined)[] = [];

  async forward(_inputs: Record<string, unknown>, options: { signal?: AbortSignal } = {}): Promise<Prediction> {
    this.signals.push(options.signal);
    return new Prediction({ ok: true });
  }
}

class Answerer extends Module {
  generate = new Predict('question -> answer');

  async forward(inputs: { question: string }, options: { signal?: AbortSignal } = {}): Promise<Prediction> {
    return this.generate.forward(inputs, options);
  }
}

/**
 * A real OpenAI-compatible endpoint that never answers: it reports when a request arrives and
 * when its client goes away before an answer was sent.
 */
async function startHangingServer(): Promise<{ baseURL: string; received: Deferred; aborted: Deferred; close: () => Promise<void> }> {
  const received = new Deferred();
  const aborted = new Deferred();
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => received.resolve());
    response.on('close', () => {
      if (!response.writableFinished) aborted.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    received,
    aborted,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('signals and stop', () => {
  it('gives every forward a signal, even without a caller signal or a timeout', async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const recorder = new SignalRecorder();
    const ref = await supervisor.startChild({ id: 'recorder', start: () => recorder });
    await ref.forward({});
    await ref.forward({}, { signal: new AbortController().signal });
    expect(recorder.signals).toHaveLength(2);
    expect(recorder.signals.every((signal) => signal instanceof AbortSignal && !signal.aborted)).toBe(true);
  });

  it('aborts a running LM request on a real local server when stop({ shutdownMs }) ends the wait', async () => {
    const server = await startHangingServer();
    try {
      const lm = new LM('openai/gpt-4o-mini', {
        apiKey: 'sk-stop',
        baseURL: server.baseURL,
        cacheStore: new LMCache({ directory: null }),
        numRetries: 0,
        logger: pino({ level: 'silent' }),
      });
      const supervisor = new Supervisor({ logger: silentLogger });
      const ref = await supervisor.startChild({ id: 'qa', start: () => new Answerer().setLM(lm) });
      const call = ref.forward({ question: 'Will this ever answer?' });
      const settled = call.catch((error: unknown) => error);
      await server.received.promise;
      await supervisor.stop({ shutdownMs: 0 });
      await server.aborted.promise;
      expect(await settled).toMatchObject({ code: 'SUPERVISOR_STOPPED' });
      expect(ref.metrics()).toMatchObject({ cancelled: 1, running: 0 });
    } finally {
      await server.close();
    }
  });

  it('lets running calls finish within shutdownMs when draining, then aborts the rest', async () => {
    const clock = new ManualClock();
    const supervisor = new Supervisor({ logger: silentLogger, clock });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker(), shutdownMs: 60_000 });
    const gate = new Deferred();
    const quick = ref.forward({ gate, n: 1 });
    const hanging = ref.forward({ hang: true }).catch((error: unknown) => error);
    const stopping = supervisor.stop({ drain: true, shutdownMs: 100 });
    gate.resolve();
    await expect(quick).resolves.toMatchObject({ value: 1 });
    clock.advance(100);
    await stopping;
    expect(await hanging).toMatchObject({ code: 'SUPERVISOR_STOPPED' });
  });

  it("takes a per-call timeoutMs up to a timer's limit or Infinity, and rejects 2 ** 31 with INPUT_INVALID", async () => {
    const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'worker', start: () => new Worker() });
    await expect(ref.forward({ n: 1 }, { timeoutMs: Infinity })).resolves.toMatchObject({ value: 1 });
    await expect(ref.forward({ n: 2 }, { timeoutMs: 2_147_483_647 })).resolves.toMatchObject({ value: 2 });
    await expect(ref.forward({ n: 3 }, { timeoutMs: 2 ** 31 })).rejects.toMatchObject({ code: 'INPUT_INVALID', details: { option: 'timeoutMs' } });
  });

  it.each([{ shutdownMs: -1 }, { shutdownMs: 2 ** 31 }, { drain: 'yes' }, { grace: 5 }])(
    'rejects stop options %p with CONFIGURATION_INVALID',
    async (options) => {
      const supervisor = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
      await expect(supervisor.stop(options as never)).rejects.toMatchObject({ code: 'CONFIGURATION_INVALID' });
      await supervisor.stop({ shutdownMs: Infinity });
      expect(supervisor.status).toBe('stopped');
    },
  );
});
