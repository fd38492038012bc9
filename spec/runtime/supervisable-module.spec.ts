import { Parameter } from '../../lib/decorators/parameter';
import { Module } from '../../lib/primitives/module';
import { ParameterStore } from '../../lib/primitives/parameter-store';
import { Prediction } from '../../lib/primitives/prediction';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { Predict } from '../../lib/predict/predict';
import { MemoryCheckpointStore } from '../../lib/runtime/memory-checkpoint-store';
import { Supervisor } from '../../lib/runtime/supervisor';
import { ManualClock, settle, silentLogger } from '../helpers/runtime-support';

class Sampler extends Module {
  @Parameter({ shared: 'temperature' }) temperature = 0;

  async forward(inputs: Record<string, unknown>): Promise<Prediction> {
    if (inputs.crash === true) throw new Error('crash');
    return new Prediction({ temperature: this.temperature });
  }
}

describe('shared parameters under a supervisor', () => {
  it('binds @Parameter({ shared }) of every child to the supervisor’s store, and subscribers see every set', async () => {
    const store = new ParameterStore();
    const seen: unknown[] = [];
    store.subscribe('temperature', (value) => seen.push(value));
    const supervisor = new Supervisor({ parameterStore: store, logger: silentLogger, clock: new ManualClock() });
    const left = await supervisor.startChild({ id: 'left', start: () => new Sampler() });
    const right = await supervisor.startChild({ id: 'right', start: () => new Sampler() });
    await left.setParameter('temperature', 0.7);
    await expect(right.forward({})).resolves.toMatchObject({ temperature: 0.7 });
    store.set('temperature', 0.2);
    expect(await left.getParameter('temperature')).toBe(0.2);
    expect(seen).toContain(0.7);
    expect(seen[seen.length - 1]).toBe(0.2);
  });

  it('keeps the shared value across a crash restart', async () => {
    const store = new ParameterStore();
    const supervisor = new Supervisor({ parameterStore: store, logger: silentLogger, clock: new ManualClock() });
    const ref = await supervisor.startChild({ id: 'sampler', start: () => new Sampler() });
    await ref.setParameter('temperature', 0.9);
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await settle();
    await expect(ref.forward({})).resolves.toMatchObject({ temperature: 0.9 });
  });

  it('lets a nested supervisor without a store inherit its parent’s', async () => {
    const store = new ParameterStore();
    const root = new Supervisor({ parameterStore: store, logger: silentLogger, clock: new ManualClock() });
    let team: Supervisor | undefined;
    await root.startChild({
      id: 'team',
      start: async () => {
        team = new Supervisor({ logger: silentLogger, clock: new ManualClock() });
        await team.startChild({ id: 'sampler', start: () => new Sampler() });
        return team;
      },
    });
    expect(team!.parameterStore).toBe(store);
    store.set('temperature', 0.4);
    await expect(team!.registry.lookup('sampler')!.forward({})).resolves.toMatchObject({ temperature: 0.4 });
  });

  it('uses ParameterStore.global when the supervisor has no store', () => {
    expect(new Supervisor({ logger: silentLogger }).parameterStore).toBe(ParameterStore.global);
  });
});

describe('checkpoint restore keeps the LM start() configured', () => {
  it('restores demos and parameters after a crash while the predictor keeps its own LM', async () => {
    const lm = new DummyLM(() => ({ answer: 'restored' }));
    class Answerer extends Module {
      @Parameter() style = 'plain';
      generate = new Predict('question -> answer');

      async forward(inputs: Record<string, unknown>): Promise<Prediction> {
        if (inputs.crash === true) throw new Error('crash');
        return this.generate.forward({ question: String(inputs.question) });
      }
    }
    const supervisor = new Supervisor({ checkpointStore: new MemoryCheckpointStore(), logger: silentLogger, clock: new ManualClock() });
    const instances: Answerer[] = [];
    const ref = await supervisor.startChild({
      id: 'qa',
      start: () => {
        const answerer = new Answerer().setLM(lm);
        instances.push(answerer);
        return answerer;
      },
    });
    instances[0].generate.demos = [{ question: 'q', answer: 'a' }];
    await ref.setParameter('style', 'terse');
    await settle();
    await expect(ref.forward({ crash: true })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await expect(ref.forward({ question: 'still there?' })).resolves.toMatchObject({ answer: 'restored' });
    expect(instances).toHaveLength(2);
    expect(instances[1].generate.lm).toBe(lm);
    expect(instances[1].generate.demos).toEqual([{ question: 'q', answer: 'a' }]);
    expect(instances[1].style).toBe('terse');
  });
});
