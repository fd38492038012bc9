import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Module, Parameter, ParameterStore, Prediction } from 'dspex';

class Tuned extends Module {
  @Parameter() @IsInt() @Min(1) @Max(20) k = 3;
  @Parameter() settings: unknown = { mode: 'fast' };
  @Parameter() @IsOptional() label: string | null = 'a';
  @Parameter() name = 'x';

  async forward(): Promise<Prediction> {
    return new Prediction({});
  }
}

function expectRefused(module: Tuned, member: 'k' | 'settings' | 'label' | 'name', value: unknown): void {
  const before = JSON.stringify(module.dumpState());
  expect(() => {
    (module as unknown as Record<string, unknown>)[member] = value;
  }).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
  expect(JSON.stringify(module.dumpState())).toBe(before);
}

describe('Parameter values', () => {
  it('refuses what save() cannot carry, with PARAMETER_INVALID', () => {
    const module = new Tuned();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const exotic: unknown[] = [
      () => 1,
      Symbol('s'),
      BigInt(1),
      NaN,
      Infinity,
      -Infinity,
      cycle,
      Object.create(null),
      new Date(0),
      new Map(),
      { nested: [1, () => 2] },
      { nested: { value: undefined } },
      // A sparse array: index 1 is a hole, which JSON cannot hold.
      new Array(3).fill(1, 0, 1).fill(3, 2),
      { [Symbol('key')]: 1 },
      Object.defineProperty({}, 'getter', { get: () => 1, enumerable: true }),
    ];
    for (const value of exotic) expectRefused(module, 'settings', value);
  });

  it('refuses values nested more than 100 levels', () => {
    let value: unknown = 1;
    for (let level = 0; level < 101; level += 1) value = [value];
    expectRefused(new Tuned(), 'settings', { deep: value });
  });

  it('accepts plain JSON data and round-trips it through dumpState', () => {
    const module = new Tuned();
    module.settings = { list: [1, 'two', null, true, { three: 3.5 }] };
    expect(new Tuned().loadState(module.dumpState()).settings).toEqual({ list: [1, 'two', null, true, { three: 3.5 }] });
  });

  it('accepts null only where @IsOptional allows it', () => {
    const module = new Tuned();
    module.label = null;
    expect(module.label).toBeNull();
    expectRefused(module, 'name', null);
    expectRefused(module, 'k', null);
  });

  it('refuses non-JSON values in a saved file too', () => {
    const module = new Tuned();
    expect(() => module.loadState({ parameters: { k: 2.5 } })).toThrow(expect.objectContaining({ code: 'STATE_INVALID' }));
    expect(module.k).toBe(3);
  });
});

describe('ParameterStore.set', () => {
  class Shared extends Module {
    @Parameter({ shared: 'spec.param.k' }) @IsInt() @Min(1) @Max(5) k = 2;

    async forward(): Promise<Prediction> {
      return new Prediction({});
    }
  }

  it('validates a key bound to constrained parameters and keeps the old value on failure', () => {
    const store = new ParameterStore();
    const module = new Shared();
    module.namedParameters().forEach(([, handle]) => (handle as { bindStore?: (store: ParameterStore) => void }).bindStore?.(store));
    expect(store.get('spec.param.k')).toBe(2);
    expect(() => store.set('spec.param.k', 50)).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
    expect(() => store.set('spec.param.k', 'three')).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
    expect(store.get('spec.param.k')).toBe(2);
    store.set('spec.param.k', 4);
    expect(module.k).toBe(4);
  });

  it('refuses values that are not plain JSON data on any key', () => {
    const store = new ParameterStore();
    expect(() => store.set('free', () => 1)).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
    expect(() => store.set('free', Object.create(null))).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
    expect(store.has('free')).toBe(false);
    store.set('free', { ok: [1, 2] });
    expect(store.get('free')).toEqual({ ok: [1, 2] });
  });
});
