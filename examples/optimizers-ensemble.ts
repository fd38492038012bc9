import { DummyLM, Ensemble, Predict, context, majority } from 'dspex';

/** Ensemble: run several programs on the same inputs and combine their answers, here by majority vote. */
export async function main(): Promise<void> {
  const programs = [
    new Predict('question -> answer', { temperature: 0.2 }),
    new Predict('question -> answer', { temperature: 0.7 }),
    new Predict('question -> answer', { temperature: 1.0 }),
  ];
  // Scripted: the second program's reply is wrong, the other two agree (up to case and punctuation).
  const lm = new DummyLM([{ answer: 'Paris' }, { answer: 'Lyon' }, { answer: 'paris.' }]);

  const ensemble = new Ensemble({ reduceFn: majority }).compile(programs);
  const prediction = await context({ lm }, () => ensemble.forward({ question: 'What is the capital of France?' }));
  console.log(prediction.answer, ensemble.compiled); // Paris true

  // Without a reduceFn you get every answer, as completions.
  const all = await context({ lm: new DummyLM([{ answer: 'a' }, { answer: 'b' }]) }, () =>
    new Ensemble().compile(programs.slice(0, 2)).forward({ question: 'Pick one.' }),
  );
  console.log(all.completions?.field('answer')); // [ 'a', 'b' ]
}

if (require.main === module) void main();
