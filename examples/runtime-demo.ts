import { Max, Min } from 'class-validator';
import pino from 'pino';
import { DummyLM, MemoryCheckpointStore, Module, Parameter, Predict, Prediction, Supervisor, type RegistryEventType } from 'dspex';

const lm = new DummyLM(() => ({ label: 'acceptable' }));

/** Labels text with an LM; a parser bug makes it crash on malformed input. */
class Moderator extends Module {
  @Parameter({ description: 'how strict the labels are' }) @Min(0) @Max(1) strictness = 0.5;
  classify = new Predict('text -> label');

  async forward(inputs: { text: string }): Promise<Prediction> {
    if (inputs.text.includes('<malformed>')) throw new Error('parser bug on malformed input');
    const { label } = await this.classify.forward(inputs);
    return new Prediction({ label, strictness: this.strictness, version: 1 });
  }
}

/** Version 2 fixes the bug and names its parameter differently. */
class ModeratorV2 extends Module {
  @Parameter() @Min(0) @Max(1) threshold = 0.5;
  classify = new Predict('text -> label');

  async forward(inputs: { text: string }): Promise<Prediction> {
    const { label } = await this.classify.forward(inputs);
    return new Prediction({ label, strictness: this.threshold, version: 2 });
  }
}

/** The supervised part of `npm run demo`: crashes, restarts from a checkpoint, and a hot swap under load. */
export async function main(): Promise<void> {
  console.log('--- supervised runtime ---');
  const supervisor = new Supervisor({ checkpointStore: new MemoryCheckpointStore(), maxRestarts: 10, withinMs: 1000, logger: pino({ level: 'silent' }) });
  const events: string[] = [];
  for (const type of ['started', 'crashed', 'restarted', 'swapped', 'stopped'] as RegistryEventType[]) {
    supervisor.registry.on(type, (event) => events.push(`${event.type}(${event.id}@${event.version})`));
  }
  const moderator = await supervisor.startChild({ id: 'moderator', start: () => new Moderator().setLM(lm), version: '1', concurrency: 8 });
  await moderator.setParameter('strictness', 0.9); // tuned, and checkpointed on change

  const texts = Array.from({ length: 20 }, (_, index) => (index % 5 === 4 ? `post ${index} <malformed>` : `post ${index}`));
  const outcomes = await Promise.allSettled(texts.map((text) => moderator.forward({ text })));
  const served = outcomes.filter((outcome) => outcome.status === 'fulfilled') as PromiseFulfilledResult<Prediction>[];
  console.log(`20 calls: ${served.length} served, ${outcomes.length - served.length} crashed`);
  console.log(`strictness after ${moderator.metrics().restarts} restart(s): ${String(await moderator.getParameter('strictness'))}`);

  const inFlight = texts.map((text) => moderator.forward({ text: text.replace('<malformed>', '') }));
  await supervisor.hotSwap('moderator', {
    start: () => new ModeratorV2().setLM(lm),
    version: '2',
    // Keeps the predictor's learned state and carries the tuned value over under its new name.
    migrate: (oldState) => ({ ...oldState, parameters: { threshold: (oldState.parameters as { strictness: number }).strictness } }),
  });
  const results = await Promise.all([...inFlight, moderator.forward({ text: 'after the swap' })]);
  console.log(
    `during the swap: ${results.filter((result) => result.version === 1).length} calls on v1, ${results.filter((result) => result.version === 2).length} on v2, none lost`,
  );
  console.log(`registry events: ${events.join(' ')}`);
  const { calls, successes, failures, restarts, latencyMs } = moderator.metrics();
  console.log('final metrics:', { calls, successes, failures, restarts, latencyMs });
  await supervisor.stop({ drain: true });
}

if (require.main === module) void main();
