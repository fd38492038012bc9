import { Signature, SignatureError, signature } from 'dspex';

/** The text form: `inputs -> outputs`, each field `name` or `name: type`. */
export async function main(): Promise<void> {
  const qa = signature('context: list[str], question -> answer: int');
  console.log(qa.toString()); // context, question -> answer
  console.log(qa.instructions); // Given the fields `context`, `question`, produce the fields `answer`.
  for (const field of qa.fields) console.log(`${field.kind} ${field.name}: ${field.annotation}`);

  // Instructions are the task description the model reads; give your own as the second argument.
  const summarize = Signature.parse('document -> summary', 'Summarize the document in one sentence.');
  console.log(summarize.instructions);

  // Malformed text fails at once, naming the position of the problem.
  try {
    signature('question -> answer: integr');
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    console.log(error.code, error.position); // SIGNATURE_INVALID 20
  }
}

if (require.main === module) void main();
