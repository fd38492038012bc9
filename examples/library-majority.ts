import { ChainOfThought, DummyLM, majority } from 'dspex';

/** majority: ask for several completions, keep the answer most of them agree on. */
export async function main(): Promise<void> {
  const lm = new DummyLM([
    { reasoning: 'Known fact.', answer: 'Paris' },
    { reasoning: 'Guess.', answer: 'Lyon' },
    { reasoning: 'Capital city.', answer: 'paris.' },
  ]);
  const votes = await new ChainOfThought('question -> answer', { n: 3 }).forward({ question: 'Capital of France?' }, { lm });

  // Answers are compared after DSPy's normalization (case, punctuation, articles, spaces).
  const winner = majority(votes);
  console.log(winner.answer, winner.reasoning); // Paris Known fact.
  console.log(majority(votes, { field: 'answer', normalize: null }).answer); // Paris (no normalization: three different values, the first wins)
}

if (require.main === module) void main();
