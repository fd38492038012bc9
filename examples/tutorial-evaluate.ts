import { Evaluate, configure } from 'dspex';
import { Triage, devset, makeLM, sameCategory } from './tutorial-program';

/** Step 1: measure the program as it is. */
export async function main(): Promise<void> {
  configure({ lm: makeLM() });
  const evaluate = new Evaluate({ devset, metric: sameCategory, displayProgress: true });
  const { score, results } = await evaluate.run(new Triage());
  console.log(`baseline: ${score}%`); // baseline: 0%
  const [example, prediction] = results[0];
  console.log(example.message, '→', prediction.category); // How do I get a refund? → other
}

if (require.main === module) void main();
