import { ParameterStore } from '../primitives/parameter-store';

/**
 * The store a thread-isolated instance's `@Parameter({ shared })` members bind to, in its worker
 * thread: a local copy of the supervisor's store for the instance's keys. Its own writes (validated
 * here against the instance's constraints first) go to the supervisor's side through `report`; the
 * supervisor's values arrive through `applyFromHost`, checked against the same constraints.
 */
export class ThreadParameterStore extends ParameterStore {
  #report: ((key: string, value: unknown) => void) | undefined;
  /** The key `applyFromHost` is storing: that write came from the supervisor, so it is not reported back. */
  #applying: string | undefined;

  /** From now on, every write of a key is passed to `report` (set once the instance is built: initializers are only defaults). */
  reportWrites(report: (key: string, value: unknown) => void): void {
    this.#report = report;
  }

  /**
   * Validates `value` against every parameter bound to `key`, stores it and reports it.
   * @throws {ParameterValidationError} PARAMETER_INVALID; the old value is kept and nothing is reported.
   */
  override set(key: string, value: unknown): void {
    super.set(key, value);
    if (this.#applying !== key) this.#report?.(key, value);
  }

  /** Stores the supervisor's value for `key` unless the instance's constraints refuse it; returns their problems (empty when stored). */
  applyFromHost(key: string, value: unknown): string[] {
    const problems = this.problems(key, value);
    if (problems.length > 0) return problems;
    this.#applying = key;
    try {
      super.set(key, value);
    } finally {
      this.#applying = undefined;
    }
    return [];
  }
}
