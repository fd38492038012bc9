import { DummyLM, Evaluate, Example, Predict, answerExactMatch, context } from 'dspex';

/** Measure a program: run it on a devset and score each prediction with a metric. */
export async function main(): Promise<void> {
  const devset = [
    new Example({ question: 'What is the capital of France?', answer: 'Paris' }).withInputs('question'),
    new Example({ question: 'What is 2 + 2?', answer: '4' }).withInputs('question'),
    new Example({ question: 'What colour is the sky?', answer: 'Blue' }).withInputs('question'),
  ];
  // A scripted LM: the first key found in the prompt picks the reply (it gets the sum wrong).
  const lm = new DummyLM({ France: { answer: 'Paris.' }, '2 + 2': { answer: '5' }, sky: { answer: 'blue' } });

  const evaluate = new Evaluate({ devset, metric: answerExactMatch, concurrency: 8, displayProgress: true });
  const { score, results } = await context({ lm }, () => evaluate.run(new Predict('question -> answer')));

  console.log(score); // 66.67  (a percentage: 2 of 3 correct)
  for (const [example, prediction, correct] of results) {
    console.log(`${String(example.question)} → ${String(prediction.answer)} (${String(correct)})`);
  }
  // What is the capital of France? → Paris. (true)    answerExactMatch ignores case, punctuation and articles
  // What is 2 + 2? → 5 (false)
  // What colour is the sky? → blue (true)
}

if (require.main === module) void main();
