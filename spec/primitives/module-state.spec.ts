import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IsInt, Max, Min } from 'class-validator';
import { DummyLM, LM, Module, Parameter, Predict, Prediction, Example } from 'dspex';
import { VERSION } from '../../lib/version';

class SavedProgram extends Module {
  @Parameter() @IsInt() @Min(1) @Max(20) retrieveK = 3;
  answer = new Predict('context, question -> answer');

  async forward(inputs: Record<string, unknown>): Promise<Prediction> {
    return this.answer.forward(inputs);
  }
}

const fixture = (name: string): string => path.join(__dirname, '..', 'fixtures', 'state', name);
let directory: string;

beforeAll(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'dspex-state-'));
});

afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

describe('Module state', () => {
  it('dumps DSPy layout plus parameters', () => {
    const program = new SavedProgram();
    program.answer.demos = [new Example({ context: 'Paris is in France.', question: 'Where is Paris?', answer: 'France' })];
    expect(program.dumpState()).toEqual({
      answer: {
        traces: [],
        train: [],
        demos: [{ context: 'Paris is in France.', question: 'Where is Paris?', answer: 'France' }],
        signature: {
          instructions: 'Given the fields `context`, `question`, produce the fields `answer`.',
          fields: [
            { prefix: 'Context:', description: '${context}' },
            { prefix: 'Question:', description: '${question}' },
            { prefix: 'Answer:', description: '${answer}' },
          ],
        },
        lm: null,
      },
      parameters: { retrieveK: 3 },
    });
  });

  it('loads a file saved by DSPy into the equivalent program', async () => {
    const program = await new SavedProgram().load(fixture('dspy-saved-program.json'));
    expect(program.answer.demos).toEqual([{ context: 'Paris is in France.', question: 'Where is Paris?', answer: 'France' }]);
    expect(program.answer.lm).toBeUndefined();
    expect(program.retrieveK).toBe(3);
  });

  it('writes a file whose predictor entries equal DSPy output and whose metadata DSPy accepts', async () => {
    const program = await new SavedProgram().load(fixture('dspy-saved-program.json'));
    const target = path.join(directory, 'program.json');
    await program.save(target);
    const written = await fs.readFile(target, 'utf8');
    const dspy = JSON.parse(await fs.readFile(fixture('dspy-saved-program.json'), 'utf8'));
    const saved = JSON.parse(written);
    expect(saved.answer).toEqual(dspy.answer);
    expect(saved.metadata).toEqual({ dependency_versions: {}, dspex: { version: VERSION } });
    expect(written.endsWith('}\n')).toBe(true);
    expect(written).toContain('\n  "answer": {\n    "traces": [],');
    const reloaded = await new SavedProgram().load(target);
    expect(reloaded.dumpState()).toEqual(program.dumpState());
  });

  it('round-trips parameters through save and load', async () => {
    const program = new SavedProgram();
    program.retrieveK = 9;
    const target = path.join(directory, 'params.json');
    await program.save(target);
    expect((await new SavedProgram().load(target)).retrieveK).toBe(9);
  });

  it('is all or nothing: a bad parameter leaves demos untouched', () => {
    const program = new SavedProgram();
    const state = new SavedProgram().dumpState();
    (state.answer as { demos: unknown[] }).demos = [{ question: 'new' }];
    state.parameters = { retrieveK: 99 };
    expect(() => program.loadState(state)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    expect(program.answer.demos).toEqual([]);
    expect(program.retrieveK).toBe(3);
  });

  it.each([
    ['a missing predictor', { metadata: {} }],
    ['a wrong shape', { answer: { signature: 'nope', lm: null } }],
    ['a non-object', 42],
    ['an unknown parameter', { ...new SavedProgram().dumpState(), parameters: { nope: 1 } }],
    ['a legacy extended_signature', { answer: { extended_signature: {}, signature: {}, lm: null } }],
  ])('rejects %s with STATE_INVALID and changes nothing', (_label, state) => {
    const program = new SavedProgram();
    const before = JSON.stringify(program.dumpState());
    expect(() => program.loadState(state as never)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    expect(JSON.stringify(program.dumpState())).toBe(before);
  });

  it('rejects __proto__ and constructor keys anywhere', () => {
    const program = new SavedProgram();
    const state = JSON.parse(
      '{"answer": {"traces": [], "train": [], "demos": [{"__proto__": {"polluted": true}}], "signature": {"instructions": "x", "fields": []}, "lm": null}}',
    );
    expect(() => program.loadState(state)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    const constructorState = JSON.parse('{"constructor": {"prototype": {}}, "answer": {"signature": {"instructions": "x", "fields": []}, "lm": null}}');
    expect(() => program.loadState(constructorState)).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects unparseable files with STATE_INVALID and missing ones with FILE_ACCESS_FAILED', async () => {
    const target = path.join(directory, 'broken.json');
    await fs.writeFile(target, '{ not json');
    await expect(new SavedProgram().load(target)).rejects.toMatchObject({ code: 'STATE_INVALID' });
    await expect(new SavedProgram().load(path.join(directory, 'missing.json'))).rejects.toMatchObject({
      code: 'FILE_ACCESS_FAILED',
      details: { path: path.join(directory, 'missing.json') },
    });
  });

  it('wraps a failed save in FILE_ACCESS_FAILED and leaves no temporary file', async () => {
    await expect(new SavedProgram().save(path.join(directory, 'no-such-folder', 'x.json'))).rejects.toMatchObject({ code: 'FILE_ACCESS_FAILED' });
    await expect(new SavedProgram().save('program.txt')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect((await fs.readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to rebuild a scripted DummyLM saved on a predictor as a real LM', () => {
    const program = new SavedProgram();
    program.answer.lm = new DummyLM([]);
    expect(() => new SavedProgram().loadState(program.dumpState())).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
  });

  it('strips LM endpoints and keys from loaded state unless allowed', async () => {
    const lmState = JSON.parse(await fs.readFile(fixture('dspy-lm-state.json'), 'utf8'));
    const state = { answer: { ...(new SavedProgram().dumpState().answer as object), lm: { ...lmState, api_key: 'sk-secret' } } };
    const safe = new SavedProgram().loadState(state);
    const safeLm = safe.answer.lm as LM;
    expect(safeLm).toBeInstanceOf(LM);
    expect(safeLm.model).toBe('openai/gpt-4o-mini');
    expect(safeLm.options).toMatchObject({ temperature: 0.7, maxTokens: 1000 });
    expect(safeLm.dumpState()).not.toHaveProperty('api_base');
    const unsafe = new SavedProgram().loadState(state, { allowUnsafeLmState: true });
    expect((unsafe.answer.lm as LM).dumpState()).toMatchObject({ api_base: 'http://localhost:1234/v1' });
    expect(JSON.stringify(unsafe.dumpState())).not.toContain('sk-secret');
  });
});
