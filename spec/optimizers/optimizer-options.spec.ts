import { Embedder } from '../../lib/lm/embedder';
import { BootstrapFewShot } from '../../lib/optimizers/bootstrap-few-shot';
import { BootstrapFewShotWithRandomSearch } from '../../lib/optimizers/bootstrap-few-shot-with-random-search';
import { Ensemble } from '../../lib/optimizers/ensemble';
import { KNNFewShot } from '../../lib/optimizers/knn-few-shot';
import { LabeledFewShot } from '../../lib/optimizers/labeled-few-shot';
import { ParameterSearch } from '../../lib/optimizers/parameter-search';
import { Example } from '../../lib/primitives/example';
import { QA, exactAnswer } from '../helpers/qa-program';

const vectorizer = new Embedder((texts: string[]) => texts.map((text) => [text.length]));
const trainset = [new Example({ question: 'q', answer: 'a' }).withInputs('question')];

/** Each optimizer's constructor, built with its required options plus `extra`. */
const constructors: [string, (extra: Record<string, unknown>) => unknown, string, string][] = [
  ['LabeledFewShot', (extra) => new LabeledFewShot({ ...extra }), 'kk', 'k'],
  ['BootstrapFewShot', (extra) => new BootstrapFewShot({ ...extra }), 'maxBootstrapedDemos', 'maxBootstrappedDemos'],
  [
    'BootstrapFewShotWithRandomSearch',
    (extra) => new BootstrapFewShotWithRandomSearch({ metric: exactAnswer, ...extra }),
    'numCandidatePrograms_',
    'numCandidatePrograms',
  ],
  ['KNNFewShot', (extra) => new KNNFewShot({ k: 1, vectorizer, ...extra }), 'vectoriser', 'vectorizer'],
  ['Ensemble', (extra) => new Ensemble({ ...extra }), 'reduce_fn', 'reduceFn'],
  ['ParameterSearch', (extra) => new ParameterSearch({ metric: exactAnswer, ...extra }), 'strategie', 'strategy'],
];

describe('optimizer options', () => {
  it.each(constructors)('%s rejects an unknown option with OPTIMIZER_INVALID', (_name, build) => {
    expect(() => build({ zzzUnrelated: 1 })).toThrow(
      expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option: 'zzzUnrelated', suggestion: undefined } }),
    );
  });

  it.each(constructors)('%s rejects a near miss with a did-you-mean', (_name, build, nearMiss, suggestion) => {
    expect(() => build({ [nearMiss]: 1 })).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option: nearMiss, suggestion } }));
  });

  it.each([
    ['LabeledFewShot', () => new LabeledFewShot()],
    ['BootstrapFewShot', () => new BootstrapFewShot()],
    ['BootstrapFewShotWithRandomSearch', () => new BootstrapFewShotWithRandomSearch({ metric: exactAnswer, numCandidatePrograms: 0 })],
    ['KNNFewShot', () => new KNNFewShot({ k: 1, vectorizer })],
    ['ParameterSearch', () => new ParameterSearch({ metric: exactAnswer })],
  ])('%s.compile rejects a misspelt compile option with a did-you-mean', async (_name, build) => {
    const optimizer = build() as { compile(student: QA, options: object): Promise<unknown> };
    await expect(optimizer.compile(new QA(), { trainset, valsett: trainset })).rejects.toMatchObject({
      code: 'OPTIMIZER_INVALID',
      details: { option: 'valsett', suggestion: 'valset' },
    });
  });

  it('rejects a missing required option by name', () => {
    expect(() => new KNNFewShot({ vectorizer } as never)).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option: 'k' } }));
    expect(() => new ParameterSearch({} as never)).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option: 'metric' } }));
  });
});
