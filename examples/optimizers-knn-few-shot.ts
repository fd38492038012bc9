import pino from 'pino';
import { Embedder, Evaluate, KNNFewShot, LabeledFewShot, answerExactMatch, context } from 'dspex';
import { QA, devset, makeLM, trainset } from './optimizers-task';

/** A toy embedding, one axis per kind of question; use new Embedder('openai/text-embedding-3-small') for real. */
const embedder = new Embedder((texts) => texts.map((text) => [text.includes('capital') ? 1 : 0, text.includes('+') ? 1 : 0, text.includes('colour') ? 1 : 0]));

/** KNNFewShot: for each call, use the training examples most similar to the inputs as demos. */
export async function main(): Promise<void> {
  const logger = pino({ level: 'silent' });
  const evaluate = new Evaluate({ devset, metric: answerExactMatch, logger });

  // One demo per call, chosen by similarity, against one demo fixed for every call.
  const knn = await new KNNFewShot({ k: 1, vectorizer: embedder, metric: answerExactMatch, logger }).compile(new QA(), { trainset });
  const fixed = await new LabeledFewShot({ k: 1 }).compile(new QA(), { trainset });

  await context({ lm: makeLM() }, async () => {
    console.log('one fixed demo  ', (await evaluate.run(fixed)).score); // one fixed demo   33.33
    console.log('one nearest demo', (await evaluate.run(knn)).score); // one nearest demo 100
  });
}

if (require.main === module) void main();
