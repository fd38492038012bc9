/**
 * Compile-time assertions for the type tests in this folder (checked by type-tests.spec.ts and
 * `npm run typecheck`): `expectType<Equal<A, B>>()` fails to compile unless A and B are the same type.
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when `T` is `true`. */
export function expectType<T extends true>(): T | undefined {
  return undefined;
}

/** A value of type T, for type tests that never run. */
export declare function valueOf<T>(): T;
