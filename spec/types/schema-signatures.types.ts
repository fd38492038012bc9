// Type tests: the object form and Standard Schema field types.
import { z } from 'zod';
import { ChainOfThought, Predict, signature, type SignatureInputs, type SignatureOutputs } from 'dspex';
import { expectType, type Equal } from './expect-type';

export async function objectForm(): Promise<void> {
  const triage = signature(
    { message: z.string(), history: { type: 'list[str]', desc: 'earlier messages' }, locale: z.string().optional() },
    { category: z.enum(['billing', 'technical']), confidence: z.number().min(0).max(1), notes: 'Optional[str]', tags: { schema: z.array(z.string()) } },
    'Route the message.',
  );
  expectType<Equal<SignatureInputs<typeof triage>, { message: string; history: string[]; locale?: string | undefined }>>();
  expectType<Equal<SignatureOutputs<typeof triage>, { category: 'billing' | 'technical'; confidence: number; notes: string | null; tags: string[] }>>();

  const predict = new Predict(triage);
  const { category, confidence } = await predict.forward({ message: 'I was charged twice', history: [] });
  expectType<Equal<typeof category, 'billing' | 'technical'>>();
  expectType<Equal<typeof confidence, number>>();
  // @ts-expect-error a value the enum does not allow
  if (category === 'sales') return;
  // @ts-expect-error a typo in an input name
  await predict.forward({ mesage: 'x', history: [] });
  // @ts-expect-error an output the signature does not have
  void (await predict.forward({ message: 'x', history: [] })).categroy;

  const cot = new ChainOfThought(signature({ question: z.string() }, { answer: z.number() }));
  const { reasoning, answer } = await cot.forward({ question: 'q' });
  expectType<Equal<[typeof reasoning, typeof answer], [string, number]>>();
}

export function schemaTransforms(): void {
  // The field's TypeScript type is the schema's output type.
  const sig = signature({ q: 'str' }, { when: z.string().transform((text) => new Date(text)) });
  expectType<Equal<SignatureOutputs<typeof sig>['when'], Date>>();
}
