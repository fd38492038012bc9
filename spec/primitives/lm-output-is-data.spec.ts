import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Example, JSONAdapter, Module, Predict, Prediction } from 'dspex';

const REPLY = '{"d": {"__proto__": {"isAdmin": true}}}';

/** The value an LM reply puts in `d`: an object with an own key named "__proto__". */
function hostileValue(): Record<string, unknown> {
  return new JSONAdapter().parse('question -> d: dict[str, Any]', REPLY).d as Record<string, unknown>;
}

function expectOwnProtoKey(value: unknown): void {
  const record = value as Record<string, unknown>;
  expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  expect(Object.hasOwn(record, '__proto__')).toBe(true);
  expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toEqual({ isAdmin: true });
  expect((record as { isAdmin?: unknown }).isAdmin).toBeUndefined();
}

class Holder extends Module {
  answer = new Predict('question -> d: dict[str, Any]');
  held: unknown = undefined;

  async forward(): Promise<Prediction> {
    return new Prediction({});
  }
}

let directory: string;
beforeAll(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'dspex-proto-'));
});
afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

describe('LM output with a "__proto__" key', () => {
  it('is parsed as an own key by both adapters', () => {
    expectOwnProtoKey(hostileValue());
    expectOwnProtoKey(new JSONAdapter().parse('question -> d: dict[str, Any]', `Here: ${REPLY.replace(/"/g, "'")}`).d);
  });

  it('stays an own key through toJSON, copy and Example copies', () => {
    const prediction = new Prediction({ d: hostileValue() });
    expectOwnProtoKey(prediction.toJSON().d);
    expectOwnProtoKey(prediction.copy().toJSON().d);
    expectOwnProtoKey(new Example(prediction).withInputs().toJSON().d);
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });

  it('stays an own key through deepcopy', () => {
    const holder = new Holder();
    holder.held = { d: hostileValue() };
    const copy = holder.deepcopy();
    expectOwnProtoKey((copy.held as { d: unknown }).d);
  });

  it('stays an own key in demos through dumpState, save, load and loadState', async () => {
    const holder = new Holder();
    holder.answer.demos = [new Example({ question: 'q', d: hostileValue() })];
    expectOwnProtoKey((holder.dumpState().answer as { demos: { d: unknown }[] }).demos[0].d);
    const file = path.join(directory, 'holder.json');
    await holder.save(file);
    const loaded = await new Holder().load(file);
    expectOwnProtoKey((loaded.answer.demos[0] as Record<string, unknown>).d);
    const restored = new Holder().loadState(loaded.dumpState());
    expectOwnProtoKey((restored.answer.demos[0] as Record<string, unknown>).d);
    const predict = new Predict('question -> d: dict[str, Any]').loadState(JSON.parse(JSON.stringify(holder.answer.dumpState())) as Record<string, unknown>);
    expectOwnProtoKey((predict.demos[0] as Record<string, unknown>).d);
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });

  it('is refused where state names things, by Module.loadState and a standalone Predict alike', async () => {
    const state = new Holder().dumpState();
    const withKey = JSON.parse(JSON.stringify(state).replace('"signature":{', '"signature":{"__proto__":{"x":1},')) as Record<string, unknown>;
    expect(() => new Holder().loadState(withKey)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    const predictState = withKey.answer as Record<string, unknown>;
    const predict = new Predict('question -> d: dict[str, Any]');
    const before = predict.dumpState();
    expect(() => predict.loadState(predictState)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    const demoKey = JSON.parse('{"signature": {"instructions": "x", "fields": []}, "lm": null, "demos": [{"__proto__": 1}]}') as Record<string, unknown>;
    expect(() => predict.loadState(demoKey)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    const file = path.join(directory, 'predict.json');
    await fs.writeFile(file, JSON.stringify(predictState));
    await expect(predict.load(file)).rejects.toMatchObject({ code: 'STATE_INVALID' });
    expect(predict.dumpState()).toEqual(before);
  });
});

describe('Deeply nested saved state', () => {
  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

  it('is refused with STATE_INVALID by load, loadState and Predict.loadState', async () => {
    const holder = new Holder();
    const text = JSON.stringify(holder.dumpState()).replace('"traces":[]', `"traces":[${deep}]`);
    const file = path.join(directory, 'deep.json');
    await fs.writeFile(file, text);
    await expect(holder.load(file)).rejects.toMatchObject({ code: 'STATE_INVALID' });
    expect(() => holder.loadState(JSON.parse(text) as Record<string, unknown>)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    expect(() => holder.answer.loadState((JSON.parse(text) as { answer: Record<string, unknown> }).answer)).toThrow(
      expect.objectContaining({ code: 'STATE_INVALID' }),
    );
    await fs.writeFile(file, `{"parameters": {"x": ${deep}}}`);
    await expect(holder.load(file)).rejects.toMatchObject({ code: 'STATE_INVALID' });
  });

  it('is refused when the state holds a cycle', () => {
    const state = new Holder().dumpState() as Record<string, unknown>;
    (state.answer as Record<string, unknown>).traces = [state];
    expect(() => new Holder().loadState(state)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
  });
});
