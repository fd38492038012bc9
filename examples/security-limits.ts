import { clearHistory, DummyLM, inspectHistory, LM } from 'dspex';

export async function main(): Promise<void> {
  // Every limit has a safe default; these are the options that change them (building sends nothing).
  const lm = new LM('openai/gpt-4o-mini', {
    timeoutMs: 30_000, // per attempt; up to 2,147,483,647 or Infinity
    numRetries: 3,
    maxRetryAfterMs: 10_000, // a longer Retry-After fails the call at once (default 60,000)
    maxResponseBytes: 2 * 1024 * 1024, // a larger reply is cut off with LMResponseError (default 10 MiB)
    historySize: 100, // calls kept in lm.history (default 10,000)
    historyMaxBytes: 8 * 1024 * 1024, // bytes kept in lm.history (default 64 MiB)
    cache: { directory: null, memoryMaxBytes: 16 * 1024 * 1024 }, // or { directory, diskMaxBytes }
  });
  console.log(lm.numRetries); // 3

  // A misspelt option is an error, not a request parameter: baseUrl is not baseURL.
  try {
    new LM('openai/gpt-4o-mini', { baseUrl: 'http://localhost:8000/v1' } as never);
  } catch (error) {
    console.log((error as { code: string }).code); // CONFIGURATION_INVALID (did you mean "baseURL"?)
  }

  // Histories are bounded, and can be emptied: per LM, and process-wide.
  const dummy = new DummyLM(['first', 'second']);
  await dummy.call([{ role: 'user', content: 'One.' }]);
  await dummy.call([{ role: 'user', content: 'Two.' }]);
  dummy.clearHistory(); // this LM's history
  clearHistory(); // what inspectHistory() shows, for every LM
  console.log(dummy.history.length, JSON.stringify(inspectHistory(1))); // 0 "\n"

  // Empties the cache this LM uses (here its own memory cache).
  await lm.clearCache();
}

if (require.main === module) void main();
