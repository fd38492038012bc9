// requires: redis-server (type-checked by the suite, not run there; `npm run demo:cluster` runs it)
import { ChildOverloadedError, Cluster } from 'dspex';

/** A caller process: sends calls to whichever workers serve 'qa'. It serves nothing itself. */
export async function main(): Promise<void> {
  const cluster = new Cluster({ connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  const qa = cluster.ref('qa');

  // Each call is a job on the child's queue; one worker runs it; the Prediction comes back here.
  const questions = Array.from({ length: 8 }, (_, index) => `question ${index + 1}`);
  const answers = await Promise.all(questions.map((question) => qa.forward({ question }, { timeoutMs: 10_000 })));
  console.log(`${answers.length} answers`); // 8 answers
  for (const answer of new Set(answers.map((prediction) => String(prediction.answer)))) console.log(answer); // answered by worker <pid>, once per worker that served

  // Higher priority runs first among waiting calls; timeoutMs counts queue time too.
  try {
    await qa.forward({ question: 'urgent' }, { priority: 10, timeoutMs: 5_000 });
  } catch (error) {
    if (error instanceof ChildOverloadedError) console.log('no worker took the call in time');
  }

  const metrics = await cluster.metrics('qa'); // summed over every worker
  console.log(`calls ${metrics.calls}, p50 ${metrics.latencyMs.p50.toFixed(1)} ms`);
  await cluster.close();
}

if (require.main === module) void main();
