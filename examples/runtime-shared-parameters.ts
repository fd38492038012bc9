import { Max, Min } from 'class-validator';
import pino from 'pino';
import { Module, Parameter, ParameterStore, Prediction, Supervisor } from 'dspex';

/** Two kinds of module that both read the key 'sampling.temperature'. */
class Drafter extends Module {
  @Parameter({ shared: 'sampling.temperature' }) @Min(0) @Max(2) temperature = 0.7;

  async forward(inputs: { topic: string }): Promise<Prediction> {
    return new Prediction({ draft: `a draft about ${inputs.topic} at temperature ${this.temperature}` });
  }
}

class Critic extends Module {
  @Parameter({ shared: 'sampling.temperature' }) @Min(0) @Max(2) temperature = 0.7;

  async forward(): Promise<Prediction> {
    return new Prediction({ temperature: this.temperature });
  }
}

/** One value, many modules: shared parameters under a supervisor. */
export async function main(): Promise<void> {
  const store = new ParameterStore(); // this supervisor's own store (children of nested supervisors share it too)
  const supervisor = new Supervisor({ parameterStore: store, logger: pino({ level: 'silent' }) });
  const drafter = await supervisor.startChild({ id: 'drafter', start: () => new Drafter() });
  const critic = await supervisor.startChild({ id: 'critic', start: () => new Critic() });
  // Subscribers see every set, whoever makes it.
  store.subscribe('sampling.temperature', (value, previous) => console.log(`temperature ${String(previous)} → ${String(value)}`));

  await drafter.setParameter('temperature', 0.2); // temperature 0.7 → 0.2
  console.log((await critic.forward({})).temperature); // 0.2

  store.set('sampling.temperature', 1.1); // temperature 0.2 → 1.1
  console.log((await drafter.forward({ topic: 'otp' })).draft); // a draft about otp at temperature 1.1

  // A restarted instance binds to the same store, so the shared value survives crashes.
  await supervisor.terminateChild('critic');
  await supervisor.restartChild('critic');
  console.log(await critic.getParameter('temperature')); // 1.1
  await supervisor.stop();
}

if (require.main === module) void main();
