import { DummyLM, Predict } from 'dspex';

/** When a ChatAdapter call fails (here: a reply without field markers), it is retried once as JSON. */
export async function main(): Promise<void> {
  const lm = new DummyLM(['The answer is Paris.', { answer: 'Paris' }]);
  const qa = new Predict('question -> answer');

  const prediction = await qa.forward({ question: 'What is the capital of France?' }, { lm });
  console.log(prediction.answer); // Paris
  console.log(lm.history.length); // 2: the failed call, then the JSON retry
  console.log(lm.history[1].outputs[0]); // {"answer": "Paris"}, indented
}

if (require.main === module) void main();
