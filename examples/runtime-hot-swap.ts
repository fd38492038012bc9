import pino from 'pino';
import { HotSwapError, Module, Parameter, Prediction, Supervisor } from 'dspex';

/** Version 1 keeps one tuned number. */
class SummarizerV1 extends Module {
  @Parameter() maxWords = 40;

  async forward(inputs: { text: string }): Promise<Prediction> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return new Prediction({ summary: inputs.text.split(' ').slice(0, this.maxWords).join(' '), version: 1 });
  }
}

/** Version 2 counts characters instead, so its state has another shape. */
class SummarizerV2 extends Module {
  @Parameter() maxCharacters = 200;

  async forward(inputs: { text: string }): Promise<Prediction> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return new Prediction({ summary: inputs.text.slice(0, this.maxCharacters), version: 2 });
  }
}

/** Replacing a running module while calls keep arriving: each call runs once, on v1 or on v2. */
export async function main(): Promise<void> {
  const supervisor = new Supervisor({ logger: pino({ level: 'silent' }) });
  supervisor.registry.on('swapped', (event) => console.log(`swapped ${event.id}: ${event.fromVersion} → ${event.version}`));
  const summarizer = await supervisor.startChild({ id: 'summarizer', start: () => new SummarizerV1(), version: '1' });
  await summarizer.setParameter('maxWords', 12); // tuned while running

  const inFlight = Array.from({ length: 100 }, (_, index) => summarizer.forward({ text: `document ${index} with some words in it` }));
  await supervisor.hotSwap('summarizer', {
    start: () => new SummarizerV2(),
    version: '2',
    // Called once, with the old instance's state: carry the tuning over in the new shape.
    migrate: (oldState, fromVersion) => {
      const { maxWords } = (oldState.parameters ?? {}) as { maxWords: number };
      console.log(`migrating from version ${fromVersion}`); // migrating from version 1
      return { parameters: { maxCharacters: maxWords * 6 } };
    },
  });
  // swapped summarizer: 1 → 2
  const laterCalls = Array.from({ length: 100 }, (_, index) => summarizer.forward({ text: `later document ${index}` }));
  const results = await Promise.all([...inFlight, ...laterCalls]);
  const byVersion = { v1: results.filter((result) => result.version === 1).length, v2: results.filter((result) => result.version === 2).length };
  console.log(byVersion.v1 + byVersion.v2, summarizer.version, await summarizer.getParameter('maxCharacters')); // 200 2 72

  // A swap whose start (or migrate) fails changes nothing: the running version keeps serving.
  const failed = await supervisor
    .hotSwap('summarizer', {
      start: () => {
        throw new Error('v3 does not build');
      },
      version: '3',
    })
    .catch((error: unknown) => error);
  console.log(failed instanceof HotSwapError, summarizer.version); // true 2
  await supervisor.stop({ drain: true });
}

if (require.main === module) void main();
