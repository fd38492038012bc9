import type { ThreadMessage } from '../../lib/runtime/thread-protocol';
import { ThreadServer } from '../../lib/runtime/thread-server';
import path from 'node:path';
import { COUNTER_MODULE } from '../helpers/thread-support';

const SAMPLER_MODULE = path.join(__dirname, '..', 'fixtures', 'threads', 'sampler-module.js');

/** A port that records what the server posts, and hands it messages. */
class RecordingPort {
  readonly posted: ThreadMessage[] = [];
  listener: ((message: unknown) => void) | undefined;

  postMessage(message: unknown): void {
    structuredClone(message);
    this.posted.push(message as ThreadMessage);
  }

  on(_event: 'message', listener: (message: unknown) => void): this {
    this.listener = listener;
    return this;
  }

  /** Resolves with the result for call `id` once the server posted it. */
  async result(id: number): Promise<ThreadMessage> {
    for (;;) {
      const found = this.posted.find((message) => message.type === 'result' && message.id === id);
      if (found !== undefined) return found;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** The thread side, run in this thread: what a worker thread does with each message. */
describe('ThreadServer', () => {
  it('reports start-failed for a missing export', () => {
    const port = new RecordingPort();
    expect(ThreadServer.start(port as never, { module: COUNTER_MODULE, export: 'Nope', args: [] })).toBeUndefined();
    expect(port.posted[0]).toMatchObject({ type: 'start-failed', error: { name: 'ChildSpecError', code: 'CHILD_SPEC_INVALID' } });
  });

  it('serves forward, parameters and state loads, posting state changes before the answer', async () => {
    const port = new RecordingPort();
    const server = ThreadServer.start(port as never, { module: COUNTER_MODULE, export: 'Counter', args: [1] });
    expect(server).toBeDefined();
    expect(port.posted[0]).toEqual({ type: 'ready', state: { parameters: { count: 1 } }, shared: [] });
    port.listener!({ type: 'forward', id: 1, inputs: { kind: 'fields', fields: { action: 'increment' } } });
    expect(await port.result(1)).toMatchObject({ ok: true, prediction: { fields: { count: 2 } } });
    const stateIndex = port.posted.findIndex((message) => message.type === 'state');
    expect(port.posted[stateIndex]).toEqual({ type: 'state', state: { parameters: { count: 2 } } });
    expect(stateIndex).toBeLessThan(port.posted.findIndex((message) => message.type === 'result'));
    port.listener!({ type: 'get', id: 2, path: 'count' });
    expect(await port.result(2)).toMatchObject({ ok: true, value: 2 });
    port.listener!({ type: 'set', id: 3, path: 'count', value: -4 });
    expect(await port.result(3)).toMatchObject({ ok: false, error: { code: 'PARAMETER_INVALID' } });
    port.listener!({ type: 'load', id: 4, state: { parameters: { count: 8 } } });
    expect(await port.result(4)).toMatchObject({ ok: true });
    expect(port.posted.at(-2)).toEqual({ type: 'state', state: { parameters: { count: 8 } } });
    port.listener!({ type: 'forward', id: 5, inputs: { kind: 'example', fields: { action: 'echo', text: 't' }, inputKeys: ['action'] } });
    expect(await port.result(5)).toMatchObject({ ok: true, prediction: { fields: { answer: 't', isExample: true } } });
    port.listener!({ type: 'forward', id: 6, inputs: { kind: 'fields', fields: { action: 'wait' } } });
    port.listener!({ type: 'abort', id: 6 });
    expect(await port.result(6)).toMatchObject({ ok: false, error: { name: 'AbortError' } });
    port.listener!({ type: 'forward', id: 7, inputs: { kind: 'fields', fields: { action: 'function' } } });
    expect(await port.result(7)).toMatchObject({ ok: false, error: { code: 'OUTPUT_INVALID' } });
  });

  it("lists shared parameters at ready, applies the store's values, refuses what its constraints reject, and reports its own writes", async () => {
    const port = new RecordingPort();
    ThreadServer.start(port as never, { module: SAMPLER_MODULE, export: 'Sampler', args: [] });
    expect(port.posted[0]).toEqual({
      type: 'ready',
      state: { parameters: { temperature: 0.7, style: 'plain' } },
      shared: [
        { key: 'sampling.temperature', path: 'temperature', value: 0.7, type: 'number', nullProblems: expect.any(Array), bounds: { min: 0, max: 2 } },
        { key: 'sampling.style', path: 'style', value: 'plain', type: 'string', nullProblems: expect.any(Array), bounds: {} },
      ],
    });
    // Initializers are defaults: nothing is reported as a write before the supervisor's side is told.
    expect(port.posted).toHaveLength(1);
    port.listener!({ type: 'shared', key: 'sampling.temperature', value: 1.2 });
    expect(port.posted.at(-1)).toEqual({ type: 'state', state: { parameters: { temperature: 1.2, style: 'plain' } } });
    port.listener!({ type: 'shared', key: 'sampling.style', value: 'UPPER' });
    expect(port.posted.at(-1)).toMatchObject({ type: 'shared-rejected', key: 'sampling.style', problems: [expect.any(String)] });
    port.listener!({ type: 'forward', id: 1, inputs: { kind: 'fields', fields: { action: 'read' } } });
    expect(await port.result(1)).toMatchObject({ ok: true, prediction: { fields: { temperature: 1.2, style: 'plain' } } });
    port.listener!({ type: 'forward', id: 2, inputs: { kind: 'fields', fields: { action: 'set', value: 0.4 } } });
    await port.result(2);
    const types = port.posted.map((message) => message.type);
    expect(port.posted).toContainEqual({ type: 'shared', key: 'sampling.temperature', value: 0.4 });
    expect(types.lastIndexOf('shared')).toBeLessThan(types.lastIndexOf('result'));
  });

  it('compares the state of a module that cannot report changes after each message, and wraps a plain answer', async () => {
    const port = new RecordingPort();
    ThreadServer.start(port as never, { module: COUNTER_MODULE, export: 'PlainCounter', args: [] });
    port.listener!({ type: 'forward', id: 1, inputs: { kind: 'fields', fields: {} } });
    expect(await port.result(1)).toMatchObject({ ok: true, prediction: { fields: { value: 1 } } });
    expect(port.posted.map((message) => message.type)).toEqual(['ready', 'state', 'result']);
    port.listener!({ type: 'get', id: 2, path: 'value' });
    expect(await port.result(2)).toMatchObject({ ok: true, value: 1 });
    expect(port.posted.filter((message) => message.type === 'state')).toHaveLength(1);
  });
});
