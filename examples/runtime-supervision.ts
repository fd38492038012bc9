import pino from 'pino';
import { DummyLM, ModuleCrashedError, Module, Predict, Prediction, Supervisor } from 'dspex';

/** Answers questions with an LM. An empty question makes it throw, the way a real bug would. */
class Answerer extends Module {
  generate = new Predict('question -> answer');

  async forward(inputs: { question: string }): Promise<Prediction> {
    if (inputs.question.trim() === '') throw new Error('empty question');
    return this.generate.forward(inputs);
  }
}

/** A supervised module keeps serving after it crashes. */
export async function main(): Promise<void> {
  const lm = new DummyLM(() => ({ answer: 'It restarts what crashes.' }));
  // Defaults: one_for_one, at most 3 restarts within 5000 ms. Crashes are logged at warn; silenced here.
  const supervisor = new Supervisor({ logger: pino({ level: 'silent' }) });
  supervisor.registry.on('crashed', (event) => console.log(`crashed: ${event.id} (${event.error.code})`));
  supervisor.registry.on('restarted', (event) => console.log(`restarted: ${event.id}, restart #${event.restarts}`));

  // The spec says how to build the module; the supervisor builds it now and again after each crash.
  const qa = await supervisor.startChild({
    id: 'qa',
    start: () => new Answerer().setLM(lm),
    concurrency: 4, // calls running at once; the rest wait in the child's queue
    timeoutMs: 30_000, // a call running longer counts as a crash
  });

  console.log((await qa.forward({ question: 'What does a supervisor do?' })).answer); // It restarts what crashes.

  try {
    await qa.forward({ question: '' });
  } catch (error) {
    // The failed call gets ModuleCrashedError; what the module threw is its cause.
    if (error instanceof ModuleCrashedError) console.log(`caller got ${error.code}, cause: ${(error.cause as Error).message}`);
  }
  // crashed: qa (MODULE_CRASHED)
  // caller got MODULE_CRASHED, cause: empty question
  // restarted: qa, restart #1

  // The same ref now reaches the fresh instance.
  console.log((await qa.forward({ question: 'Still there?' })).answer); // It restarts what crashes.
  const { calls, successes, failures, restarts } = qa.metrics();
  console.log({ calls, successes, failures, restarts }); // { calls: 3, successes: 2, failures: 1, restarts: 1 }
  console.log(supervisor.registry.list()); // [ { id: 'qa', version: '1', status: 'running', restarts: 1 } ]

  await supervisor.stop({ drain: true }); // lets accepted calls finish, then stops the children
}

if (require.main === module) void main();
