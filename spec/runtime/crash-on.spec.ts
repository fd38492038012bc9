import { AdapterParseError, DspexError, InputValidationError, LMHttpError, OutputValidationError } from '../../lib/errors';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { Predict } from '../../lib/predict/predict';
import { Module } from '../../lib/primitives/module';
import { Prediction } from '../../lib/primitives/prediction';
import { CALL_FAILURE_CODES, isCrash } from '../../lib/runtime/crash-on';
import { Supervisor } from '../../lib/runtime/supervisor';
import { ManualClock, silentLogger } from '../helpers/runtime-support';

function newSupervisor(options: ConstructorParameters<typeof Supervisor>[0] = {}): Supervisor {
  return new Supervisor({ logger: silentLogger, clock: new ManualClock(), ...options });
}

/** A QA program whose LM answers garbage while `lmState.healthy` is false. */
class Answerer extends Module {
  generate = new Predict('question -> answer');

  async forward(inputs: { question: string }): Promise<Prediction> {
    return this.generate.forward(inputs);
  }
}

/** A module that throws whatever `inputs.error` holds, counting its calls per instance. */
class Thrower extends Module {
  calls = 0;

  async forward(inputs: Record<string, unknown>): Promise<Prediction> {
    this.calls += 1;
    if (inputs.error !== undefined && this.calls <= (typeof inputs.times === 'number' ? inputs.times : Infinity)) throw inputs.error;
    return new Prediction({ calls: this.calls });
  }
}

function throwerFactory(): { start: () => Thrower; instances: Thrower[] } {
  const instances: Thrower[] = [];
  return {
    instances,
    start: () => {
      const instance = new Thrower();
      instances.push(instance);
      return instance;
    },
  };
}

describe('crashOn (call failures)', () => {
  it('keeps a child serving when its LM returns garbage four times in a row', async () => {
    const lmState = { healthy: false };
    const lm = new DummyLM(() => (lmState.healthy ? { answer: 'Paris' } : 'no idea what format you want'));
    const supervisor = newSupervisor();
    const instances: Answerer[] = [];
    const ref = await supervisor.startChild({
      id: 'qa',
      start: () => {
        const answerer = new Answerer();
        answerer.setLM(lm);
        instances.push(answerer);
        return answerer;
      },
    });
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const error = await ref.forward({ question: 'Capital of France?' }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AdapterParseError);
    }
    expect(supervisor.status).toBe('running');
    expect(ref.status).toBe('running');
    lmState.healthy = true;
    await expect(ref.forward({ question: 'Capital of France?' })).resolves.toMatchObject({ answer: 'Paris' });
    expect(instances).toHaveLength(1);
    expect(ref.metrics()).toMatchObject({ calls: 5, successes: 1, failures: 4, restarts: 0 });
    expect(ref.history(5).map((entry) => [entry.outcome, entry.errorCode])).toEqual([
      ['failure', 'ADAPTER_PARSE'],
      ['failure', 'ADAPTER_PARSE'],
      ['failure', 'ADAPTER_PARSE'],
      ['failure', 'ADAPTER_PARSE'],
      ['success', undefined],
    ]);
  });

  it.each([...CALL_FAILURE_CODES].map((code) => [code]))('treats %s as a call failure: no restart, nothing toward intensity', async (code) => {
    const factory = throwerFactory();
    const supervisor = newSupervisor({ maxRestarts: 0 });
    const crashed = jest.fn();
    supervisor.registry.on('crashed', crashed);
    const ref = await supervisor.startChild({ id: 'child', start: factory.start });
    const error = new DspexError(code, `failed with ${code}`);
    await expect(ref.forward({ error })).rejects.toBe(error);
    await expect(ref.forward({ error })).rejects.toBe(error);
    expect(supervisor.status).toBe('running');
    expect(factory.instances).toHaveLength(1);
    expect(crashed).not.toHaveBeenCalled();
  });

  it('still crashes on a DspexError outside the set, and on errors that are not DspexErrors', async () => {
    const factory = throwerFactory();
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'child', start: factory.start });
    await expect(ref.forward({ error: new DspexError('PARAMETER_INVALID', 'bad state') })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await expect(ref.forward({ error: new TypeError('x is undefined') })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await expect(ref.forward({})).resolves.toMatchObject({ calls: 1 });
    expect(factory.instances).toHaveLength(3);
    expect(ref.metrics().restarts).toBe(2);
  });

  it("makes every error a crash with crashOn: 'any'", async () => {
    const factory = throwerFactory();
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'child', start: factory.start, crashOn: 'any' });
    const error = await ref.forward({ error: new LMHttpError('server error', { status: 503 }) }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MODULE_CRASHED' });
    expect((error as Error).cause).toBeInstanceOf(LMHttpError);
    expect(factory.instances).toHaveLength(2);
  });

  it('lets a crashOn function decide for DspexErrors, never for plain errors', async () => {
    const factory = throwerFactory();
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'child', start: factory.start, crashOn: (error) => error.code === 'OUTPUT_INVALID' });
    await expect(ref.forward({ error: new OutputValidationError('bad output') })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    await expect(ref.forward({ error: new DspexError('PARAMETER_INVALID', 'fine here') })).rejects.toMatchObject({ code: 'PARAMETER_INVALID' });
    await expect(ref.forward({ error: new Error('plain') })).rejects.toMatchObject({ code: 'MODULE_CRASHED' });
    expect(factory.instances).toHaveLength(3);
  });

  it('re-runs a call failure on the same instance with retries', async () => {
    const factory = throwerFactory();
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'child', start: factory.start, retries: 2 });
    await expect(ref.forward({ error: new LMHttpError('busy', { status: 503 }), times: 2 })).resolves.toMatchObject({ calls: 3 });
    expect(factory.instances).toHaveLength(1);
    expect(ref.metrics()).toMatchObject({ calls: 1, successes: 1, failures: 0, restarts: 0 });
  });

  it('rejects once retries are used up, with the last error', async () => {
    const factory = throwerFactory();
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'child', start: factory.start, retries: 1 });
    const error = new LMHttpError('down', { status: 503 });
    await expect(ref.forward({ error })).rejects.toBe(error);
    expect(factory.instances[0].calls).toBe(2);
  });

  it('does not re-run INPUT_INVALID', async () => {
    const factory = throwerFactory();
    const supervisor = newSupervisor();
    const ref = await supervisor.startChild({ id: 'child', start: factory.start, retries: 3 });
    await expect(ref.forward({ error: new InputValidationError('missing question') })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect(factory.instances[0].calls).toBe(1);
  });

  it('serves a call failure with the fallback, counted as a failure and a fallback', async () => {
    const factory = throwerFactory();
    const supervisor = newSupervisor();
    const fallback = jest.fn(
      async (_inputs: Record<string, unknown>, error: Error) => new Prediction({ served: 'fallback', code: (error as DspexError).code }),
    );
    const ref = await supervisor.startChild({ id: 'child', start: factory.start, fallback });
    await expect(ref.forward({ error: new AdapterParseError('garbage') })).resolves.toMatchObject({ served: 'fallback', code: 'ADAPTER_PARSE' });
    expect(ref.metrics()).toMatchObject({ calls: 1, failures: 1, fallbacks: 1, restarts: 0 });
    expect(ref.history(1)[0]).toMatchObject({ outcome: 'fallback', errorCode: 'ADAPTER_PARSE' });
  });

  it('still treats a call passing the child timeout as a crash', async () => {
    const clock = new ManualClock();
    const supervisor = newSupervisor({ clock });
    const instances: Module[] = [];
    const ref = await supervisor.startChild({
      id: 'slow',
      timeoutMs: 100,
      start: () => {
        const module = new (class extends Module {
          async forward(_inputs: Record<string, unknown>, options: { signal?: AbortSignal } = {}): Promise<Prediction> {
            // An LM client would turn the abort into its own timeout error: still a crash here.
            await new Promise((_resolve, reject) =>
              options.signal?.addEventListener('abort', () => reject(new DspexError('LM_TIMEOUT', 'aborted')), { once: true }),
            );
            return new Prediction({});
          }
        })();
        instances.push(module);
        return module;
      },
    });
    const pending = ref.forward({});
    clock.advance(100);
    await expect(pending).rejects.toMatchObject({ code: 'MODULE_CRASHED', details: { reason: 'timeout' } });
    expect(ref.status).toBe('restarting');
    await supervisor.stop();
    expect(instances).toHaveLength(2);
  });
});

describe('isCrash', () => {
  it('counts a throwing predicate as a crash', () => {
    const predicate = (): boolean => {
      throw new Error('oops');
    };
    expect(isCrash(predicate, new AdapterParseError('x'))).toBe(true);
    expect(isCrash('unexpected', 'a string')).toBe(true);
  });
});
