import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ensemble, EnsembledProgram } from '../../lib/optimizers/ensemble';
import { majority } from '../../lib/predict/majority';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { context, resetSettings } from '../../lib/settings/settings';
import { QA } from '../helpers/qa-program';

afterEach(() => resetSettings());

/** A program that always answers the same thing, and counts its calls. */
class Fixed extends Module {
  calls = 0;

  constructor(readonly reply: string) {
    super();
  }

  async forward(): Promise<Prediction> {
    this.calls += 1;
    return new Prediction({ answer: this.reply });
  }
}

describe('Ensemble', () => {
  it('reduces the predictions of every program with majority, beating a single wrong program', async () => {
    const programs = [new Fixed('Paris'), new Fixed('Lyon'), new Fixed('paris')];
    const ensemble = new Ensemble({ reduceFn: majority }).compile(programs);
    const prediction = await ensemble.forward({ question: 'Capital of France?' });
    expect(prediction.answer).toBe('Paris');
    expect(programs.map((program) => program.calls)).toEqual([0, 0, 0]);
  });

  it('accepts a custom reducer, called with the predictions in program order', async () => {
    const seen: string[][] = [];
    const longest = (predictions: Prediction[]): Prediction => {
      seen.push(predictions.map((prediction) => prediction.answer as string));
      return predictions.reduce((best, prediction) => ((prediction.answer as string).length > (best.answer as string).length ? prediction : best));
    };
    const ensemble = new Ensemble({ reduceFn: longest }).compile([new Fixed('a'), new Fixed('abc'), new Fixed('ab')]);
    expect((await ensemble.forward({})).answer).toBe('abc');
    expect(seen).toEqual([['a', 'abc', 'ab']]);
  });

  it('returns every output as completions when there is no reducer', async () => {
    const ensemble = new Ensemble().compile([new Fixed('x'), new Fixed('y')]);
    const prediction = await ensemble.forward({});
    expect(prediction.answer).toBe('x');
    expect(prediction.completions?.field('answer')).toEqual(['x', 'y']);
  });

  it('runs `size` programs per call, drawn reproducibly from the seed', async () => {
    const draw = async (seed: number): Promise<string[]> => {
      const ensemble = new Ensemble({ size: 2, seed }).compile(['a', 'b', 'c', 'd', 'e'].map((reply) => new Fixed(reply)));
      const answers: string[] = [];
      for (let call = 0; call < 3; call += 1) answers.push(((await ensemble.forward({})).completions?.field('answer') as string[]).join(''));
      return answers;
    };
    const first = await draw(7);
    expect(first.every((pair) => pair.length === 2)).toBe(true);
    expect(await draw(7)).toEqual(first);
  });

  it('works with predictor programs under the configured LM', async () => {
    const lm = new DummyLM([{ answer: 'Paris' }, { answer: 'Lyon' }, { answer: 'Paris' }]);
    const ensemble = new Ensemble({ reduceFn: majority }).compile([new QA(), new QA(), new QA()]);
    const prediction = await context({ lm }, () => ensemble.forward({ question: 'Capital of France?' }));
    expect(prediction.answer).toBe('Paris');
    expect(lm.history).toHaveLength(3);
  });

  it('returns a new compiled program over copies; the programs are untouched', async () => {
    const programs = [new QA(), new QA()];
    programs[0].generate.demos = [{ question: 'q', answer: 'a' }];
    const before = programs.map((program) => program.dumpState());
    const ensemble = new Ensemble({ reduceFn: majority }).compile(programs);
    expect(ensemble).toBeInstanceOf(EnsembledProgram);
    expect(ensemble.compiled).toBe(true);
    expect(ensemble.programs[0]).not.toBe(programs[0]);
    ensemble.programs[0].generate.demos = [];
    expect(programs.map((program) => program.dumpState())).toEqual(before);
    expect(programs.every((program) => !program.compiled)).toBe(true);
  });

  it("exposes the programs' predictors and round-trips save() and load()", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'dspex-ensemble-'));
    try {
      const first = new QA();
      first.generate.demos = [{ question: 'q', answer: 'a' }];
      const ensemble = new Ensemble({ reduceFn: majority }).compile([first, new QA()]);
      expect(ensemble.namedPredictors().map(([name]) => name)).toEqual(['programs[0].generate', 'programs[1].generate']);
      const file = path.join(directory, 'ensemble.json');
      await ensemble.save(file);
      const fresh = new Ensemble({ reduceFn: majority }).compile([new QA(), new QA()]);
      await fresh.load(file);
      expect(fresh.dumpState()).toEqual(ensemble.dumpState());
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  describe('bad input', () => {
    it.each([
      ['a reduceFn that is not a function', { reduceFn: 'majority' }, 'reduceFn'],
      ['size 0', { size: 0 }, 'size'],
      ['an unknown option', { deterministic: true }, 'deterministic'],
    ])('rejects %s with OPTIMIZER_INVALID', (_label, options, option) => {
      expect(() => new Ensemble(options as never)).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option } }));
    });

    it('rejects an empty list of programs', () => {
      expect(() => new Ensemble().compile([])).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option: 'programs' } }));
    });

    it('rejects a size larger than the list', () => {
      expect(() => new Ensemble({ size: 3 }).compile([new Fixed('a')])).toThrow(
        expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option: 'size' } }),
      );
    });

    it('rejects a reducer that returns something other than a Prediction', async () => {
      const ensemble = new Ensemble({ reduceFn: (() => 'a') as never }).compile([new Fixed('a')]);
      await expect(ensemble.forward({})).rejects.toMatchObject({ code: 'OPTIMIZER_INVALID', details: { option: 'reduceFn' } });
    });
  });
});
