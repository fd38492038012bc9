import { DummyLM, Predict } from 'dspex';

/** Output values come back converted to their declared types. */
export async function main(): Promise<void> {
  const solve = new Predict('problem -> answer: int, steps: list[str], checked: bool, note: Optional[str]');

  // The model replies with text; here is a raw reply, as a real model would write it.
  const reply = ['[[ ## answer ## ]]', '42', '', '[[ ## steps ## ]]', '["multiply 6 by 7"]', '', '[[ ## checked ## ]]', 'True'].join('\n');
  const result = await solve.forward({ problem: 'What is 6 times 7?' }, { lm: new DummyLM([reply]) });

  console.log(result.answer, typeof result.answer); // 42 number
  console.log(result.steps); // [ 'multiply 6 by 7' ]
  console.log(result.checked); // true
  console.log(result.note); // null: an Optional output the model left out
}

if (require.main === module) void main();
