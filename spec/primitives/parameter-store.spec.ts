import { Max, Min } from 'class-validator';
import { Module, Parameter, ParameterStore, Prediction } from 'dspex';
import { bindParameterStore } from '../../lib/primitives/module';
import { runWithParameterStore } from '../../lib/primitives/parameter-store-scope';

class Shared extends Module {
  @Parameter({ shared: 'demo.k' }) @Min(1) @Max(10) k = 3;

  async forward(): Promise<Prediction> {
    return new Prediction();
  }
}

class SharedWithoutDefault extends Module {
  @Parameter({ shared: 'demo.k' }) k!: number;

  async forward(): Promise<Prediction> {
    return new Prediction();
  }
}

describe('ParameterStore', () => {
  it('stores values and tells subscribers of every set', () => {
    const store = new ParameterStore();
    const seen: [unknown, unknown][] = [];
    const unsubscribe = store.subscribe('x', (value, previous) => seen.push([value, previous]));
    store.set('x', 1);
    store.set('x', 2);
    unsubscribe();
    store.set('x', 3);
    expect(seen).toEqual([
      [1, undefined],
      [2, 1],
    ]);
    expect(store.get('x')).toBe(3);
  });

  it('rejects empty keys and non-function listeners', () => {
    const store = new ParameterStore();
    expect(() => store.set('', 1)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
    expect(() => store.subscribe('x', 'nope' as never)).toThrow(expect.objectContaining({ code: 'CONFIGURATION_INVALID' }));
  });
});

describe('shared parameters', () => {
  it('share one value across modules bound to the same store, and a new instance does not reset it', () => {
    const store = new ParameterStore();
    const first = new Shared();
    bindParameterStore(first, store);
    first.k = 7;
    const second = new Shared();
    bindParameterStore(second, store);
    expect(second.k).toBe(7);
    second.k = 9;
    expect(first.k).toBe(9);
    expect(store.get('demo.k')).toBe(9);
  });

  it('reads the store value before any other use of the instance', () => {
    const store = new ParameterStore();
    store.set('demo.k', 4);
    const instance = new SharedWithoutDefault();
    bindParameterStore(instance, store);
    expect(instance.k).toBe(4);
  });

  it('validates shared writes against the constraints', () => {
    const store = new ParameterStore();
    const instance = new Shared();
    bindParameterStore(instance, store);
    expect(() => instance.setParameter('k', 11)).toThrow(expect.objectContaining({ code: 'PARAMETER_INVALID' }));
    expect(store.get('demo.k')).toBe(3);
  });

  it('uses ParameterStore.global outside a supervisor', () => {
    const instance = new Shared();
    instance.k = 5;
    expect(ParameterStore.global.get('demo.k')).toBe(5);
  });
});

describe('shared parameters under a parameter-store scope', () => {
  it('binds modules built inside runWithParameterStore to that store from their first write', () => {
    const store = new ParameterStore();
    const before = ParameterStore.global.get('scoped.k');
    class Scoped extends Module {
      @Parameter({ shared: 'scoped.k' }) k = 6;
      async forward(): Promise<Prediction> {
        return new Prediction();
      }
    }
    const instance = runWithParameterStore(store, () => new Scoped());
    expect(store.get('scoped.k')).toBe(6);
    expect(ParameterStore.global.get('scoped.k')).toBe(before);
    expect(instance.k).toBe(6);
  });
});
