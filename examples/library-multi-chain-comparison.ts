import { ChainOfThought, DummyLM, MultiChainComparison, configure } from 'dspex';

/** MultiChainComparison: show the model M earlier attempts and let it write a corrected answer. */
export async function main(): Promise<void> {
  const lm = new DummyLM([
    { reasoning: 'Add 17 and 25.', answer: '42' },
    { reasoning: 'Add 17 and 25 carelessly.', answer: '32' },
    { reasoning: 'Twenty-five plus seventeen.', answer: '42' },
    { rationale: 'produce the sum; two attempts agree and 17 + 25 = 42.', answer: '42' },
  ]);
  configure({ lm });

  const question = 'What is 17 + 25?';
  const attempts = await new ChainOfThought('question -> answer', { n: 3 }).forward({ question });
  const compare = new MultiChainComparison('question -> answer', { M: 3 });
  const prediction = await compare.forward({ completions: attempts.completions, question });

  console.log(prediction.answer); // 42
  console.log(lm.history[1].messages[1].content.split('\n\n')[2]); // [[ ## reasoning_attempt_2 ## ]]\n«I'm trying to Add 17 and 25 carelessly. I'm not sure but my prediction is 32»
}

if (require.main === module) void main();
