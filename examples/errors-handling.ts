import { DspexError, DummyLM, FileAccessError, InputValidationError, Predict } from 'dspex';

/** Every dspex error has a stable `code`, structured `details`, and (when another error caused it) a `cause`. */
export async function main(): Promise<void> {
  const qa = new Predict('context, question -> answer');
  qa.lm = new DummyLM([{ answer: 'France' }]);

  // Inputs read at run time (here JSON) are loosely typed, so the run-time check reports the missing `context`.
  const inputs: Record<string, unknown> = JSON.parse('{ "question": "Where is Paris?" }');
  try {
    await qa.forward(inputs);
  } catch (error) {
    if (!DspexError.is(error)) throw error; // not from dspex: let it propagate
    console.log(error.name, error.code, error.details); // InputValidationError INPUT_INVALID { missing: [ 'context' ] }
    console.log(error instanceof InputValidationError); // true
  }

  try {
    await qa.load('/no/such/folder/qa.json');
  } catch (error) {
    if (!(error instanceof FileAccessError)) throw error;
    console.log(error.code, (error.cause as NodeJS.ErrnoException).code); // FILE_ACCESS_FAILED ENOENT
    console.log(error.message);
  }
}

if (require.main === module) void main();
