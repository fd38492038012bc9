import { BestOfN, ChainOfThought, DummyLM, configure, type Prediction } from 'dspex';

/** BestOfN: several attempts at temperature 1.0, each scored; the first to reach the threshold wins. */
export async function main(): Promise<void> {
  configure({
    lm: new DummyLM([
      { reasoning: 'It is the capital.', answer: 'The capital is Brussels' },
      { reasoning: 'Short answers score best.', answer: 'Brussels' },
    ]),
  });

  // The reward function sees the inputs and a prediction and returns a number (or a boolean).
  const oneWord = (_inputs: Readonly<Record<string, unknown>>, prediction: Prediction): number => (String(prediction.answer).split(' ').length === 1 ? 1 : 0);

  const qa = new ChainOfThought('question -> answer');
  const best = new BestOfN(qa, { n: 3, rewardFn: oneWord, threshold: 1 });
  const prediction = await best.forward({ question: 'What is the capital of Belgium?' });

  console.log(prediction.answer); // Brussels (the second attempt reached the threshold; no third was made)
  console.log(best.namedPredictors().map(([name]) => name)); // [ 'module.predict' ]
}

if (require.main === module) void main();
