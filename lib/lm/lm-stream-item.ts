import type { LMUsage } from '../primitives/prediction';
import type { TokenCounts } from './usage';

/** What a stream ends with (at most once, after the text): token usage, and the cost and model name when the server reported them. */
export interface LMStreamEnd {
  usage?: TokenCounts | LMUsage;
  /** The cost the provider reported, in dollars. */
  cost?: number;
  /** The provider's model name. */
  responseModel?: string;
}

/** One item of `BaseLM.stream`: a piece of the reply's text, or the closing usage item. */
export type LMStreamItem = string | LMStreamEnd;
