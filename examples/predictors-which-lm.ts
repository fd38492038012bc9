import { DummyLM, Predict, configure, context } from 'dspex';

/** Which LM answers: the call's `lm`, else the predictor's, else context(), else configure(). */
export async function main(): Promise<void> {
  configure({ lm: new DummyLM([{ answer: 'from configure()' }]) });
  const qa = new Predict('question -> answer');
  console.log((await qa.forward({ question: '?' })).answer); // from configure()

  // context() applies to everything the function awaits, and only to that,
  // so concurrent requests can each run under their own LM.
  const answers = await Promise.all([
    context({ lm: new DummyLM([{ answer: 'from context() A' }]) }, () => qa.forward({ question: '?' })),
    context({ lm: new DummyLM([{ answer: 'from context() B' }]) }, () => qa.forward({ question: '?' })),
  ]);
  console.log(answers.map((prediction) => prediction.answer)); // [ 'from context() A', 'from context() B' ]

  qa.lm = new DummyLM([{ answer: "from the predictor's own lm" }]);
  console.log((await qa.forward({ question: '?' })).answer); // from the predictor's own lm

  const perCall = new DummyLM([{ answer: 'from the call' }]);
  console.log((await qa.forward({ question: '?' }, { lm: perCall })).answer); // from the call
}

if (require.main === module) void main();
