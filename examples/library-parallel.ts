import pino from 'pino';
import { DummyLM, Example, Parallel, Predict, configure } from 'dspex';

/** Parallel: [module, example] pairs, a few at a time, results in pair order. */
export async function main(): Promise<void> {
  // DummyLM's object form: the first key found in the request picks the reply.
  configure({ lm: new DummyLM({ Spain: { answer: 'Madrid' }, '3 * 4': { answer: '12' }, Hamlet: { answer: 'William Shakespeare' } }) });
  const qa = new Predict('question -> answer');

  const parallel = new Parallel({ concurrency: 2 });
  const results = await parallel.forward([
    [qa, { question: 'What is the capital of Spain?' }],
    [qa, { question: 'What is 3 * 4?' }],
    [qa, new Example({ question: 'Who wrote Hamlet?', answer: 'Shakespeare' }).withInputs('question')],
  ]);
  console.log(results.map((result) => result?.answer)); // [ 'Madrid', '12', 'William Shakespeare' ]

  // A failed pair gives null; returnFailedExamples also hands back the failed examples and their errors.
  const withFailures = new Parallel({ returnFailedExamples: true, maxErrors: 5, logger: pino({ level: 'silent' }) });
  const {
    results: partial,
    failedExamples,
    exceptions,
  } = await withFailures.forward([
    [qa, { question: 'What is the capital of Spain?' }],
    [qa, { query: 'a wrong input name' }],
  ]);
  console.log(
    partial.map((result) => result?.answer ?? null),
    failedExamples,
    (exceptions[0] as { code: string }).code,
  ); // [ 'Madrid', null ] [ { query: 'a wrong input name' } ] INPUT_INVALID
}

if (require.main === module) void main();
