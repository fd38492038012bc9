import { DummyLM, Predict, configure } from 'dspex';

/** Your first dspex program: declare what goes in and what comes out, then run it. */
export async function main(): Promise<void> {
  // DummyLM replays scripted answers, so this runs offline. For a real model, pass
  // new LM('openai/gpt-4o-mini') instead (see docs/concepts/lms.md).
  configure({ lm: new DummyLM([{ answer: 'Paris' }]) });

  const qa = new Predict('question -> answer');
  const prediction = await qa.forward({ question: 'What is the capital of France?' });
  console.log(prediction.answer); // Paris
}

if (require.main === module) void main();
