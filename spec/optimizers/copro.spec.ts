import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Evaluate } from '../../lib/evaluate/evaluate';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { COPRO, type COPROOptions } from '../../lib/optimizers/copro';
import { context, resetSettings } from '../../lib/settings/settings';
import { Categorize, categoryMatch, makeExamples, makePromptLM, makeTaskLM, rulesStated } from '../../examples/optimizers-instruction-task';
import golden from '../fixtures/optimizers/copro-prompts.json';

const silent = pino({ level: 'silent' });
afterEach(() => resetSettings());

const trainset = makeExamples(30);
const devset = makeExamples(100, 500);

function copro(options: Partial<COPROOptions> = {}): COPRO {
  return new COPRO({ metric: categoryMatch, breadth: 4, depth: 3, promptModel: makePromptLM(1), logger: silent, displayProgress: false, ...options });
}

const devScore = (program: Categorize): Promise<number> =>
  context({ lm: makeTaskLM() }, async () => (await new Evaluate({ devset, metric: categoryMatch }).run(program)).score);

describe('COPRO', () => {
  it('raises the dev score well above the baseline instruction on the simulated task', async () => {
    const compiled = await context({ lm: makeTaskLM() }, () => copro().compile(new Categorize(), { trainset }));
    const before = await devScore(new Categorize());
    const after = await devScore(compiled);
    expect(after - before).toBeGreaterThanOrEqual(40);
    expect(rulesStated(compiled.classify.signature.instructions)).toBeGreaterThanOrEqual(2);
    expect(compiled.compiled).toBe(true);
  });

  it('leaves the student unchanged and returns a different program', async () => {
    const student = new Categorize();
    const original = student.dumpState();
    const compiled = await context({ lm: makeTaskLM() }, () => copro({ depth: 1 }).compile(student, { trainset }));
    expect(student.dumpState()).toEqual(original);
    expect(student.compiled).toBe(false);
    expect(compiled).not.toBe(student);
    expect(compiled.classify).not.toBe(student.classify);
  });

  it('is deterministic for a seeded prompt model and a deterministic task LM', async () => {
    const first = await context({ lm: makeTaskLM() }, () => copro().compile(new Categorize(), { trainset }));
    const second = await context({ lm: makeTaskLM() }, () => copro().compile(new Categorize(), { trainset }));
    expect(second.dumpState()).toEqual(first.dumpState());
    expect(second.optimization).toEqual(first.optimization);
  });

  it('counts LM and metric calls: one evaluation of the trainset per candidate, one proposal request per round', async () => {
    const compiled = await context({ lm: makeTaskLM() }, () => copro({ trackStats: true }).compile(new Categorize(), { trainset }));
    const { evaluations, metricCalls, lmCalls, score } = compiled.optimization;
    // Round 0: breadth − 1 proposals plus the original; later rounds: breadth proposals (single predictor).
    expect(evaluations).toBe(4 + 4 + 4);
    expect(metricCalls).toBe(evaluations * trainset.length);
    expect(lmCalls).toBe(metricCalls + 3);
    expect(score).toBe(compiled.optimization.candidates![0].score);
    expect(compiled.optimization.resultsBest!.classify.depth).toEqual([0, 1, 2]);
    expect(compiled.optimization.resultsLatest!.classify.max).toHaveLength(3);
  });

  it("sends the prompt model DSPy's BasicGenerateInstruction and GenerateInstructionGivenAttempts prompts", async () => {
    const promptLM = makePromptLM(1);
    await context({ lm: makeTaskLM() }, () => copro({ promptModel: promptLM, depth: 2 }).compile(new Categorize(), { trainset }));
    const [first, second] = promptLM.history;
    expect(first.messages).toEqual(golden.basic.messages);
    expect(first.options).toMatchObject({ n: 3, temperature: 1.4 });
    expect(second.messages[0]).toEqual(golden.attempts.messages[0]);
    expect(second.messages[1].content).toMatch(/^\[\[ ## attempted_instructions ## \]\]\n\[1\] «Instruction #1: /);
    expect(second.options).toMatchObject({ n: 4, temperature: 1.4 });
  });

  it('round-trips the tuned instruction and prefix through save and load', async () => {
    const compiled = await context({ lm: makeTaskLM() }, () => copro({ depth: 2 }).compile(new Categorize(), { trainset }));
    const directory = await mkdtemp(path.join(tmpdir(), 'copro-'));
    try {
      const file = path.join(directory, 'program.json');
      await compiled.save(file);
      const loaded = new Categorize();
      await loaded.load(file);
      expect(loaded.classify.signature.instructions).toBe(compiled.classify.signature.instructions);
      expect(loaded.classify.signature.fields.at(-1)!.prefix).toBe('Answer:');
      expect(await devScore(loaded)).toBe(await devScore(compiled));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('uses the configured LM to propose when no promptModel is given', async () => {
    const lm = new DummyLM(() => ({ proposed_instruction: 'Answer in lowercase.', proposed_prefix_for_output_field: 'Answer:', answer: 'fruit' }));
    const compiled = await context({ lm }, () => copro({ promptModel: undefined, depth: 1 }).compile(new Categorize(), { trainset: makeExamples(4) }));
    expect(compiled.optimization.lmCalls).toBe(1 + 4 * 4);
  });

  it('rejects breadth ≤ 1, a missing metric and unknown options with OPTIMIZER_INVALID', () => {
    expect(() => copro({ breadth: 1 })).toThrow(
      expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: expect.objectContaining({ option: 'breadth' }) }),
    );
    expect(() => new COPRO({ breadth: 3 } as unknown as COPROOptions)).toThrow(
      expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: expect.objectContaining({ option: 'metric' }) }),
    );
    expect(() => copro({ breadht: 3 } as unknown as COPROOptions)).toThrow(
      expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: expect.objectContaining({ suggestion: 'breadth' }) }),
    );
  });

  it('rejects a compile without an LM to propose with', async () => {
    await expect(copro({ promptModel: undefined }).compile(new Categorize(), { trainset })).rejects.toMatchObject({
      code: 'OPTIMIZER_INVALID',
      details: { option: 'promptModel' },
    });
  });

  it("rejects with the caller's reason when cancelled mid-run", async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    let calls = 0;
    const taskLM = new DummyLM(() => {
      calls += 1;
      if (calls === 10) controller.abort(reason);
      return { answer: 'fruit' };
    });
    await expect(context({ lm: taskLM }, () => copro().compile(new Categorize(), { trainset, signal: controller.signal }))).rejects.toBe(reason);
  });
});
