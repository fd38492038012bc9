import { DummyLM, Predict, StreamChunk, configure, streamify } from 'dspex';

export async function main(): Promise<void> {
  configure({ lm: new DummyLM([{ answer: 'A very long answer that nobody will read to the end.' }], { streamChunkSize: 5 }) });
  const stream = streamify(new Predict('question -> answer'));

  // Leaving the loop stops the program; with a real LM this closes its HTTP connection.
  let firstWords = '';
  for await (const item of stream({ question: 'Tell me everything.' })) {
    if (item instanceof StreamChunk) firstWords += item.chunk;
    if (firstWords.length >= 10) break;
  }
  console.log(firstWords); // A very long

  // A signal does the same from elsewhere (a client that disconnected, a timeout).
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('the client went away')), 1_000).unref();
  try {
    for await (const item of stream({ question: 'Tell me again.' }, { signal: controller.signal })) {
      if (item instanceof StreamChunk) controller.abort(new Error('enough'));
    }
  } catch (error) {
    console.log((error as Error).message); // enough
  }
}

if (require.main === module) void main();
