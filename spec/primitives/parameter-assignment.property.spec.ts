import fc from 'fast-check';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DspexError, Module, Parameter, ParameterStore, Prediction } from '../../lib';
import { assertProperty, isPrototypeClean, onlyDspexErrors, prototypeSnapshot } from '../helpers/property-check';

const RUNS = 400;

class Tunable extends Module {
  @Parameter() @IsInt() @Min(1) @Max(20) k = 3;
  @Parameter() @IsOptional() label: string | null = 'base';
  @Parameter() settings: unknown = { mode: 'fast' };
  @Parameter() weights: unknown = [0.5, 0.5];

  async forward(): Promise<Prediction> {
    return new Prediction({});
  }
}

const MEMBERS = ['k', 'label', 'settings', 'weights'] as const;

/** Any JavaScript value, exotic ones included (null prototypes, BigInt, Map, typed arrays, holes, boxed values, cycles, functions, symbols). */
const anyValue = fc.oneof(
  fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
  }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(() => 1, Symbol('s'), NaN, Infinity, -Infinity, undefined, null, 5, 25, 2.5, 'text'),
  fc.jsonValue({ maxDepth: 2 }).map((value) => {
    const cycle: Record<string, unknown> = { value };
    cycle.self = [cycle];
    return cycle;
  }),
);

describe('Parameter assignment (property)', () => {
  it(`stores a value that saves and loads back, or throws PARAMETER_INVALID keeping the old one (${RUNS} runs)`, () => {
    const snapshot = prototypeSnapshot();
    assertProperty(
      fc.property(fc.constantFrom(...MEMBERS), anyValue, (member, value) => {
        const module = new Tunable();
        const before = JSON.stringify(module.dumpState());
        const result = onlyDspexErrors(() => {
          (module as unknown as Record<string, unknown>)[member] = value;
        });
        if (DspexError.is(result)) {
          expect(result.code).toBe('PARAMETER_INVALID');
          expect(JSON.stringify(module.dumpState())).toBe(before);
        } else {
          const saved = module.dumpState();
          const restored = new Tunable().loadState(JSON.parse(JSON.stringify(saved)) as Record<string, unknown>);
          expect(restored.dumpState()).toEqual(saved);
          expect((restored as unknown as Record<string, unknown>)[member]).toEqual(value);
        }
        expect(isPrototypeClean(snapshot)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('ParameterStore.set (property)', () => {
  class Shared extends Module {
    @Parameter({ shared: 'property.k' }) @IsInt() @Min(1) @Max(5) k = 2;

    async forward(): Promise<Prediction> {
      return new Prediction({});
    }
  }

  it(`stores a value every bound parameter accepts, or throws PARAMETER_INVALID keeping the old one (${RUNS} runs)`, () => {
    const snapshot = prototypeSnapshot();
    assertProperty(
      fc.property(fc.boolean(), anyValue, (bound, value) => {
        const store = new ParameterStore();
        const key = bound ? 'property.k' : 'free';
        store.set(key, 2);
        const module = new Shared();
        if (bound) for (const [, handle] of module.namedParameters()) (handle as { bindStore?: (store: ParameterStore) => void }).bindStore?.(store);
        const result = onlyDspexErrors(() => store.set(key, value));
        if (DspexError.is(result)) {
          expect(result.code).toBe('PARAMETER_INVALID');
          expect(store.get(key)).toBe(2);
        } else {
          expect(JSON.parse(JSON.stringify(store.get(key)))).toEqual(value);
          if (bound) expect(module.k).toBe(value);
        }
        expect(isPrototypeClean(snapshot)).toBe(true);
      }),
      RUNS,
    );
  });
});
