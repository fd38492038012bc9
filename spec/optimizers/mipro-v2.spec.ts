import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Evaluate } from '../../lib/evaluate/evaluate';
import { lastGlobalCalls } from '../../lib/lm/global-history';
import { MIPROv2, miproNumTrials, type MIPROv2Options } from '../../lib/optimizers/mipro-v2';
import { context, resetSettings } from '../../lib/settings/settings';
import { Categorize, categoryMatch, makeExamples, makePromptLM, makeTaskLM } from '../../examples/optimizers-instruction-task';
import golden from '../fixtures/optimizers/mipro-prompts.json';

const silent = pino({ level: 'silent' });
afterEach(() => resetSettings());

const trainset = makeExamples(100);
const valset = makeExamples(100, 1000);
const devset = makeExamples(100, 2000);

function mipro(options: Partial<MIPROv2Options> = {}): MIPROv2 {
  return new MIPROv2({ metric: categoryMatch, promptModel: makePromptLM(1), logger: silent, displayProgress: false, ...options });
}

const devScore = (program: Categorize): Promise<number> =>
  context({ lm: makeTaskLM() }, async () => (await new Evaluate({ devset, metric: categoryMatch }).run(program)).score);

describe('MIPROv2', () => {
  it("raises the dev score well above the baseline with auto 'light'", async () => {
    const compiled = await context({ lm: makeTaskLM() }, () => mipro().compile(new Categorize(), { trainset, valset }));
    const before = await devScore(new Categorize());
    const after = await devScore(compiled);
    expect(after - before).toBeGreaterThanOrEqual(25);
    expect(compiled.compiled).toBe(true);
    expect(compiled.optimization.score).toBeGreaterThan(compiled.optimization.trials![0].score);
  });

  it("follows DSPy's light budget: 10 trials of 35 examples and 3 full evaluations of the valset", async () => {
    const compiled = await context({ lm: makeTaskLM() }, () => mipro().compile(new Categorize(), { trainset, valset }));
    const trials = compiled.optimization.trials!;
    expect(compiled.optimization.numTrials).toBe(10);
    expect(trials.map((trial) => trial.trial)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(trials.filter((trial) => trial.kind === 'full').map((trial) => trial.trial)).toEqual([1, 7, 13]);
    expect(trials.at(-1)!.evalCallsSoFar).toBe(35 * 10 + 100 * 3);
    // Three instruction candidates (the original first) and six demo sets, as DSPy's light preset for one predictor.
    expect(compiled.optimization.instructionCandidates!.classify).toHaveLength(3);
    expect(compiled.optimization.instructionCandidates!.classify[0]).toBe(new Categorize().classify.signature.instructions);
    expect(Math.max(...trials.map((trial) => trial.params.classify.demos!))).toBeLessThan(6);
    expect(compiled.optimization.metricCalls).toBeGreaterThanOrEqual(650);
    expect(compiled.optimization.lmCalls).toBeGreaterThan(compiled.optimization.metricCalls);
  });

  it('returns the best fully evaluated program, and leaves the student unchanged', async () => {
    const student = new Categorize();
    const original = student.dumpState();
    const compiled = await context({ lm: makeTaskLM() }, () => mipro().compile(student, { trainset, valset }));
    const fullScores = compiled.optimization.trials!.filter((trial) => trial.kind === 'full').map((trial) => trial.score);
    expect(compiled.optimization.score).toBe(Math.max(...fullScores));
    expect(student.dumpState()).toEqual(original);
    expect(student.compiled).toBe(false);
  });

  it('is deterministic for a seed on a deterministic LM', async () => {
    const first = await context({ lm: makeTaskLM() }, () => mipro({ seed: 3 }).compile(new Categorize(), { trainset, valset }));
    const second = await context({ lm: makeTaskLM() }, () => mipro({ seed: 3 }).compile(new Categorize(), { trainset, valset }));
    expect(second.dumpState()).toEqual(first.dumpState());
    expect(second.optimization.trials).toEqual(first.optimization.trials);
  });

  it('round-trips instructions and demos through save and load', async () => {
    const compiled = await context({ lm: makeTaskLM() }, () => mipro().compile(new Categorize(), { trainset, valset }));
    const directory = await mkdtemp(path.join(tmpdir(), 'mipro-'));
    try {
      const file = path.join(directory, 'program.json');
      await compiled.save(file);
      const loaded = new Categorize();
      await loaded.load(file);
      expect(loaded.classify.signature.instructions).toBe(compiled.classify.signature.instructions);
      expect(loaded.classify.demos.length).toBe(compiled.classify.demos.length);
      expect(await devScore(loaded)).toBe(await devScore(compiled));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("sends the prompt model DSPy's dataset-summary, program-description and instruction prompts", async () => {
    const promptLM = makePromptLM(1);
    const marker = lastGlobalCalls(1)[0]?.uuid;
    await context({ lm: makeTaskLM() }, () => mipro({ promptModel: promptLM }).compile(new Categorize(), { trainset, valset }));
    // Proposals go through rollout copies of the prompt model, so read the process-wide history.
    const recent = lastGlobalCalls(5000);
    const calls = recent.slice(recent.findIndex((entry) => entry.uuid === marker) + 1).filter((entry) => !entry.messages[0].content.includes('`question`'));
    const systems = calls.map((entry) => entry.messages[0].content);
    expect(systems[0]).toBe(golden.datasetDescriptor);
    expect(systems[1]).toBe(golden.datasetDescriptorWithPriorObservations);
    expect(systems).toContain(golden.observationSummarizer);
    expect(systems).toContain(golden.describeProgram[0].content);
    expect(systems).toContain(golden.describeModule[0].content);
    const generateSystems = golden.generateInstruction.map((messages) => messages[0].content);
    expect(systems.filter((system) => system.includes('`proposed_instruction`'))).toEqual(generateSystems);
    expect(calls[0].messages[1].content).toContain("[Example({'question': 'What category is item 0?', 'answer': 'fruit'}) (input_keys={'question'}), ");
    const lastUser = calls.at(-1)!.messages[1].content;
    expect(lastUser).toContain('[[ ## task_demos ## ]]\nQuestion: What category is item 1?\nAnswer: tool\n\n');
    expect(lastUser).toContain('[[ ## module ## ]]\nPredict(question) -> answer');
  });

  it('works zero-shot (no demos) with auto: null and explicit candidates and trials', async () => {
    const options = { auto: null, numCandidates: 3, numTrials: 4, minibatch: false, maxBootstrappedDemos: 0, maxLabeledDemos: 0 } as const;
    const compiled = await context({ lm: makeTaskLM() }, () =>
      mipro(options).compile(new Categorize(), { trainset: makeExamples(20), valset: makeExamples(20, 100) }),
    );
    expect(compiled.classify.demos).toEqual([]);
    expect(compiled.optimization.trials).toHaveLength(5);
    expect(compiled.optimization.trials!.every((trial) => trial.kind === 'full' && trial.params.classify.demos === undefined)).toBe(true);
  });

  it("computes trials as DSPy's _set_num_trials_from_num_candidates", () => {
    expect(miproNumTrials(1, false, 6)).toBe(10);
    expect(miproNumTrials(2, false, 12)).toBe(28);
    expect(miproNumTrials(1, true, 18)).toBe(27);
  });

  it('rejects numCandidates or numTrials with auto, and auto: null without them', () => {
    expect(() => mipro({ numTrials: 5 })).toThrow(
      expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: expect.objectContaining({ option: 'numTrials' }) }),
    );
    expect(() => mipro({ auto: null, numCandidates: 4 })).toThrow(
      expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: expect.objectContaining({ option: 'numTrials' }) }),
    );
    expect(() => mipro({ auto: 'huge' as never })).toThrow(
      expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: expect.objectContaining({ option: 'auto' }) }),
    );
  });

  it('rejects a minibatch larger than the valset', async () => {
    const options = { auto: null, numCandidates: 2, numTrials: 2, minibatchSize: 50 } as const;
    await expect(
      context({ lm: makeTaskLM() }, () => mipro(options).compile(new Categorize(), { trainset: makeExamples(10), valset: makeExamples(10, 100) })),
    ).rejects.toMatchObject({
      code: 'OPTIMIZER_INVALID',
      details: { option: 'minibatchSize' },
    });
  });

  it("rejects with the caller's reason when cancelled", async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(context({ lm: makeTaskLM() }, () => mipro().compile(new Categorize(), { trainset, valset, signal: controller.signal }))).rejects.toBe(reason);
  });
});
