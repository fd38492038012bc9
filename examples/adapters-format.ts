import { ChatAdapter } from 'dspex';

/** The messages ChatAdapter builds for a signature, its demos and the inputs (DSPy's format, exactly). */
export async function main(): Promise<void> {
  const adapter = new ChatAdapter();
  const demos = [{ question: 'What is 1 + 1?', answer: 2 }];
  const messages = adapter.format('question -> answer: int', demos, { question: 'What is 2 + 2?' });
  for (const message of messages) console.log(`=== ${message.role} ===\n${message.content}`);
}

if (require.main === module) void main();
