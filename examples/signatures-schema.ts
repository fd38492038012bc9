import { z } from 'zod';
import { DummyLM, InputField, OutputField, OutputValidationError, Predict, Signature, signature } from 'dspex';

/** Standard Schema validators (Zod here; Valibot and ArkType work too) as field types. */
const triage = signature(
  { message: z.string() },
  { category: z.enum(['billing', 'technical']), confidence: z.number().min(0).max(1) },
  'Route a customer message to the right team.',
);

/** The class form takes a schema per field: the way to type a union of literals there. */
class Priority extends Signature {
  @InputField() message!: string;
  @OutputField({ schema: z.enum(['low', 'high']) }) priority!: 'low' | 'high';
}

export async function main(): Promise<void> {
  // The prompt names simple schemas as DSPy names Python types.
  for (const field of triage.outputFields) console.log(`${field.name}: ${field.annotation}`);

  const route = new Predict(triage);
  route.lm = new DummyLM([{ category: 'technical', confidence: '0.75' }]);
  const { category, confidence } = await route.forward({ message: 'The app crashes on start.' });
  console.log(category, confidence); // technical 0.75

  // Values are validated by the schema after parsing; a failure lists the schema's issues.
  route.lm = new DummyLM([
    { category: 'billing', confidence: '2' },
    { category: 'billing', confidence: '2' },
  ]);
  try {
    await route.forward({ message: 'Refund please.' });
  } catch (error) {
    if (!(error instanceof OutputValidationError)) throw error;
    console.log(error.code, error.details.issues); // OUTPUT_INVALID [ { message: 'Too big: expected number to be <=1', path: [] } ]
  }

  const prioritize = new Predict(Priority);
  prioritize.lm = new DummyLM([{ priority: 'high' }]);
  console.log((await prioritize.forward({ message: 'Site down!' })).priority); // high
}

if (require.main === module) void main();
