import { signature } from 'dspex';

/** Signatures are immutable values: every edit returns a new signature. */
export async function main(): Promise<void> {
  const base = signature('question -> answer');

  const withContext = base.prepend('context', { kind: 'input', desc: 'facts that may help' }, 'list[str]');
  const withConfidence = withContext.append('confidence', { kind: 'output' }, 'float');
  const terse = withConfidence.withInstructions('Answer in at most five words.');
  console.log(terse.toString()); // context, question -> answer, confidence
  console.log(terse.instructions); // Answer in at most five words.

  console.log(base.toString()); // question -> answer (unchanged)

  // Equal means same instructions, field names and descriptions (types and order are not compared).
  console.log(withConfidence.delete('confidence').delete('context').equals(base)); // true
  console.log(terse.delete('confidence').delete('context').equals(base)); // false: other instructions

  // The saved form, as DSPy writes it: instructions plus each field's prefix and description.
  console.log(JSON.stringify(withContext.dumpState(), null, 2));
}

if (require.main === module) void main();
