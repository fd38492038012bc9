import { ChainOfThought, DummyLM, configure, context, type Callback, type CallbackEnd, type CallbackStart } from 'dspex';

/** Log every module and LM call with its duration; the callId pairs each start with its end. */
class Timing implements Callback {
  private readonly started = new Map<string, number>();

  onModuleStart({ callId, instance, inputs }: CallbackStart): void {
    this.started.set(callId, performance.now());
    console.log(`module ${instance.constructor.name} starts with ${JSON.stringify(inputs)}`);
  }

  onModuleEnd({ callId, instance, error }: CallbackEnd): void {
    const ms = performance.now() - (this.started.get(callId) ?? 0);
    this.started.delete(callId);
    console.log(`module ${instance.constructor.name} ${error === null ? 'ends' : 'fails'} after ${ms.toFixed(1)} ms`);
  }

  onLmEnd({ outputs }: CallbackEnd): void {
    console.log(`LM replied: ${JSON.stringify((outputs as { outputs: string[] } | null)?.outputs)}`);
  }
}

export async function main(): Promise<void> {
  configure({ lm: new DummyLM(() => ({ reasoning: '2 and 2 make 4.', answer: '4' })), callbacks: [new Timing()] });
  const qa = new ChainOfThought('question -> answer');
  await qa.forward({ question: 'What is 2 + 2?' });
  // module ChainOfThought starts with {"question":"What is 2 + 2?"}
  // module Predict starts with {"question":"What is 2 + 2?"}
  // LM replied: ["[[ ## reasoning ## ]]\n2 and 2 make 4.\n\n[[ ## answer ## ]]\n4"]
  // module Predict ends after 0.9 ms          (times vary)
  // module ChainOfThought ends after 1.2 ms

  // For one request only (concurrent requests keep their own callbacks):
  const errors: unknown[] = [];
  const collect: Callback = { onLmEnd: ({ error }) => void (error === null || errors.push(error)) };
  await context({ callbacks: [collect] }, () => qa.forward({ question: 'What is 2 + 2?' }));
  console.log(errors.length); // 0
}

if (require.main === module) void main();
