import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Evaluate } from '../../lib/evaluate/evaluate';
import { Embedder } from '../../lib/lm/embedder';
import { KNNFewShot } from '../../lib/optimizers/knn-few-shot';
import { LabeledFewShot } from '../../lib/optimizers/labeled-few-shot';
import { context, resetSettings } from '../../lib/settings/settings';
import { demoAwareLM, factExamples } from '../helpers/demo-aware-lm';
import { QA, exactAnswer } from '../helpers/qa-program';

const silent = pino({ level: 'silent' });
const quiet = { logger: silent, displayProgress: false };
afterEach(() => resetSettings());

/** One axis per topic, so texts of one topic are nearest to each other. */
function topicVector(text: string): number[] {
  return [text.includes('capital') ? 1 : 0, text.includes('+') ? 1 : 0, text.includes('color') ? 1 : 0, 0.1];
}

function topicEmbedder(calls: string[][] = []): Embedder {
  return new Embedder((texts) => {
    calls.push(texts);
    return texts.map(topicVector);
  });
}

// The first six examples cover each topic twice; the last six are unseen questions of the same topics.
const trainset = factExamples().slice(0, 6);
const devset = factExamples().slice(6);

describe('KNNFewShot', () => {
  it('picks demos of the nearest training examples for each call, beating fixed demos', async () => {
    const evaluate = new Evaluate({ devset, metric: exactAnswer, logger: silent });
    const knn = await new KNNFewShot({ k: 1, vectorizer: topicEmbedder(), metric: exactAnswer, ...quiet }).compile(new QA(), { trainset });
    const fixed = await new LabeledFewShot({ k: 1 }).compile(new QA(), { trainset });
    const [withKnn, withFixed] = await context({ lm: demoAwareLM() }, () => Promise.all([evaluate.run(knn), evaluate.run(fixed)]));
    expect(withKnn.score).toBe(100);
    expect(withFixed.score).toBe(33.33);
  });

  it('embeds the trainset once at compile time, then only the inputs of each call', async () => {
    const calls: string[][] = [];
    const knn = await new KNNFewShot({ k: 2, vectorizer: topicEmbedder(calls), ...quiet }).compile(new QA(), { trainset });
    expect(calls).toEqual([trainset.map((example) => `question: ${example.question as string}`)]);
    await context({ lm: demoAwareLM() }, () => knn.forward({ question: 'What color is snow?' }));
    expect(calls[1]).toEqual(['question: What color is snow?']);
  });

  it('runs the nearest examples through BootstrapFewShot, so demos can be augmented', async () => {
    const lm = demoAwareLM();
    const knn = await new KNNFewShot({ k: 2, vectorizer: topicEmbedder(), metric: exactAnswer, ...quiet }).compile(new QA(), { trainset });
    await context({ lm }, () => knn.forward({ question: 'What color is snow?' }));
    const finalCall = lm.history[lm.history.length - 1];
    // Two nearest: the sky and grass; each primes the teacher for the other, so both become augmented demos.
    expect(finalCall.messages.filter((message) => message.role === 'assistant').map((message) => message.content)).toEqual([
      expect.stringContaining('blue'),
      expect.stringContaining('green'),
    ]);
  });

  it('is deterministic', async () => {
    const answers = async (): Promise<unknown[]> => {
      const lm = demoAwareLM();
      const knn = await new KNNFewShot({ k: 2, vectorizer: topicEmbedder(), metric: exactAnswer, ...quiet }).compile(new QA(), { trainset });
      await context({ lm }, () => new Evaluate({ devset, metric: exactAnswer, concurrency: 1, logger: silent }).run(knn));
      return lm.history.map((call) => call.messages);
    };
    expect(await answers()).toEqual(await answers());
  });

  it('rejects inputs that are not an object with INPUT_INVALID', async () => {
    const knn = await new KNNFewShot({ k: 1, vectorizer: topicEmbedder(), ...quiet }).compile(new QA(), { trainset });
    await expect(knn.forward('What color is snow?' as never)).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });

  it('returns a new compiled program that keeps its behaviour when deep-copied, and leaves the student untouched', async () => {
    const student = new QA();
    const before = student.dumpState();
    const knn = await new KNNFewShot({ k: 1, vectorizer: topicEmbedder(), ...quiet }).compile(student, { trainset });
    expect(knn).not.toBe(student);
    expect(knn.compiled).toBe(true);
    expect(student.dumpState()).toEqual(before);
    const copy = knn.deepcopy();
    const prediction = await context({ lm: demoAwareLM() }, () => copy.forward({ question: 'What is 7 + 1?' }));
    expect(prediction.answer).toBe('8');
    await expect(context({ lm: demoAwareLM() }, () => student.forward({ question: 'What is 7 + 1?' }))).resolves.toMatchObject({ answer: 'I do not know' });
  });

  it('produces state that save() and load() round-trip', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'dspex-knn-'));
    try {
      const knn = await new KNNFewShot({ k: 1, vectorizer: topicEmbedder(), ...quiet }).compile(new QA(), { trainset });
      const file = path.join(directory, 'knn.json');
      await knn.save(file);
      expect((await new QA().load(file)).dumpState()).toEqual(knn.dumpState());
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  describe('bad input', () => {
    it('rejects a vectorizer whose trainset vectors differ in size', async () => {
      const vectorizer = { embed: async (texts: string[]) => texts.map((_, index) => (index === 0 ? [1, 0] : [1, 0, 0])) };
      await expect(new KNNFewShot({ k: 1, vectorizer, ...quiet }).compile(new QA(), { trainset })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'vectorizer' },
      });
    });

    it('rejects a call whose vector size differs from the trainset vectors', async () => {
      const embedder = new Embedder((texts) => texts.map((text) => (texts.length === 1 ? [...topicVector(text), 0] : topicVector(text))));
      const knn = await new KNNFewShot({ k: 1, vectorizer: embedder, ...quiet }).compile(new QA(), { trainset });
      await expect(context({ lm: demoAwareLM() }, () => knn.forward({ question: 'What color is snow?' }))).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'vectorizer', sizes: [5, 4] },
      });
    });

    it('rejects a vectorizer that returns the wrong number of vectors', async () => {
      const vectorizer = { embed: async () => [[1, 0]] };
      await expect(new KNNFewShot({ k: 1, vectorizer, ...quiet }).compile(new QA(), { trainset })).rejects.toMatchObject({ code: 'OPTIMIZER_INVALID' });
    });

    it.each([
      ['k 0', { k: 0, vectorizer: topicEmbedder() }, 'k'],
      ['a missing k', { vectorizer: topicEmbedder() }, 'k'],
      ['a vectorizer without embed', { k: 1, vectorizer: (texts: string[]) => texts }, 'vectorizer'],
      ['a bad bootstrap option', { k: 1, vectorizer: topicEmbedder(), maxBootstrappedDemos: -1 }, 'maxBootstrappedDemos'],
    ])('rejects %s with OPTIMIZER_INVALID', (_label, options, option) => {
      expect(() => new KNNFewShot(options as never)).toThrow(expect.objectContaining({ code: 'OPTIMIZER_INVALID', details: { option } }));
    });

    it('rejects an empty trainset', async () => {
      await expect(new KNNFewShot({ k: 1, vectorizer: topicEmbedder(), ...quiet }).compile(new QA(), { trainset: [] })).rejects.toMatchObject({
        code: 'OPTIMIZER_INVALID',
        details: { option: 'trainset' },
      });
    });
  });
});
