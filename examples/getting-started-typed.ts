import { z } from 'zod';
import { DummyLM, Predict, configure, signature } from 'dspex';

/** TypeScript reads the signature: field names and value types are checked by the compiler. */
export async function main(): Promise<void> {
  configure({ lm: new DummyLM([{ answer: '4' }, { sentiment: 'positive', confidence: '0.9' }]) });

  // `answer: int` makes `answer` a number: arithmetic on it compiles, and the reply '4' arrives as 4.
  const math = new Predict('question -> answer: int');
  const { answer } = await math.forward({ question: 'What is 2 + 2?' });
  console.log(answer * 10); // 40

  // The schema form: each field typed by a Zod schema, and the model's values validated by it.
  const rate = new Predict(
    signature({ review: z.string() }, { sentiment: z.enum(['positive', 'negative']), confidence: z.number().min(0).max(1) }, 'Rate a product review.'),
  );
  const { sentiment, confidence } = await rate.forward({ review: 'Great value for the price.' });
  // sentiment: 'positive' | 'negative', confidence: number
  if (sentiment === 'positive') console.log(`positive, ${Math.round(confidence * 100)}% sure`); // positive, 90% sure

  // Mistakes are compile errors, caught before anything runs:
  // math.forward({ qestion: '…' })       — no input named qestion
  // if (sentiment === 'neutral')         — not one of the enum's values
}

if (require.main === module) void main();
