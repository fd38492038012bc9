/** A progress note streamed while a program runs (DSPy's `StatusMessage`), e.g. "Calling tool search...". */
export class StatusMessage {
  constructor(readonly message: string) {}
}

/**
 * Which status messages `streamify` sends (DSPy's `StatusMessageProvider`): subclass it and
 * override the methods you want; a method returning `undefined` sends nothing. By default only
 * tool calls are announced, as in DSPy.
 * @example
 * class Progress extends StatusMessageProvider {
 *   override moduleStartStatusMessage(instance: object): string { return `Running ${instance.constructor.name}...`; }
 * }
 */
export class StatusMessageProvider {
  /** Before a tool runs. */
  toolStartStatusMessage(instance: object, _inputs: Readonly<Record<string, unknown>>): string | undefined {
    return `Calling tool ${(instance as { name?: unknown }).name}...`;
  }

  /** After a tool ran. */
  toolEndStatusMessage(_outputs: unknown): string | undefined {
    return 'Tool calling finished! Querying the LLM with tool calling results...';
  }

  /** Before a module (or `Predict`) runs. */
  moduleStartStatusMessage(_instance: object, _inputs: Readonly<Record<string, unknown>>): string | undefined {
    return undefined;
  }

  /** After a module (or `Predict`) ran. */
  moduleEndStatusMessage(_outputs: unknown): string | undefined {
    return undefined;
  }

  /** Before an LM call. */
  lmStartStatusMessage(_instance: object, _inputs: Readonly<Record<string, unknown>>): string | undefined {
    return undefined;
  }

  /** After an LM call. */
  lmEndStatusMessage(_outputs: unknown): string | undefined {
    return undefined;
  }
}
