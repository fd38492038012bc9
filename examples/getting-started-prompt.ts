import { DummyLM, Predict } from 'dspex';

/** What dspex sent to the model: the prompt is built from the signature, in DSPy's format. */
export async function main(): Promise<void> {
  const lm = new DummyLM([{ answer: '4' }]);
  const qa = new Predict('question -> answer: int');
  const prediction = await qa.forward({ question: 'What is 2 + 2?' }, { lm });

  for (const message of lm.history[0].messages) console.log(`--- ${message.role} ---\n${message.content}`);
  console.log(`--- reply ---\n${lm.history[0].outputs[0]}`);
  console.log(prediction.answer, typeof prediction.answer); // 4 number
}

if (require.main === module) void main();
