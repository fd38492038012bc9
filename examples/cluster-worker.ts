// requires: redis-server (type-checked by the suite, not run there; `npm run demo:cluster` runs it)
import pino from 'pino';
import { Cluster, DummyLM, Module, Predict, Prediction } from 'dspex';

/** The module every worker serves. An LM call is I/O, so one worker process serves many at once. */
class Answerer extends Module {
  generate = new Predict('question -> answer');

  async forward(inputs: { question: string }): Promise<Prediction> {
    return this.generate.forward(inputs);
  }
}

/** A worker process: serves the child 'qa' from its queue until it is told to stop. */
export async function main(): Promise<void> {
  const lm = new DummyLM(() => ({ answer: `answered by worker ${process.pid}` }));
  const cluster = new Cluster({
    connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    supervisor: { logger: pino({ level: 'silent' }) }, // options of this worker's local Supervisor
  });
  // A child spec as startChild takes it; calls to 'qa' from any process now reach this worker (and its peers).
  await cluster.serve({ id: 'qa', start: () => new Answerer().setLM(lm), concurrency: 16, timeoutMs: 30_000, version: '1' });
  console.log(`worker ${process.pid} serving qa`);
  process.send?.('ready');

  // Stop cleanly on SIGTERM: running calls finish, queued ones stay for the other workers.
  process.once('SIGTERM', () => void cluster.close().then(() => process.exit(0)));
}

if (require.main === module) void main();
