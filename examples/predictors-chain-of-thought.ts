import { ChainOfThought, DummyLM } from 'dspex';

/** ChainOfThought: the model writes its reasoning before the answer. */
export async function main(): Promise<void> {
  const solve = new ChainOfThought('question -> answer: float');
  console.log(solve.predict.signature.toString()); // question -> reasoning, answer

  const lm = new DummyLM([{ reasoning: 'Three pens at 1.5 each cost 3 × 1.5 = 4.5.', answer: 4.5 }]);
  const prediction = await solve.forward({ question: 'One pen costs 1.5. What do three pens cost?' }, { lm });
  console.log(prediction.reasoning); // Three pens at 1.5 each cost 3 × 1.5 = 4.5.
  console.log(prediction.answer); // 4.5
}

if (require.main === module) void main();
