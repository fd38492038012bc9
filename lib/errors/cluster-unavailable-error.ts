import { DspexError, type DspexErrorOptions } from './dspex-error';

/**
 * Redis could not be reached within the connection's retry budget, so a cluster call, `serve` or
 * `retire` gave up instead of waiting forever. `details` names the `operation` and the `budgetMs`;
 * `cause` holds the last connection error when there was one. Code `CLUSTER_UNAVAILABLE`.
 */
export class ClusterUnavailableError extends DspexError {
  constructor(message: string, options?: DspexErrorOptions) {
    super('CLUSTER_UNAVAILABLE', message, options);
  }
}
