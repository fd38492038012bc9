import { DummyLM, InputField, OutputField, Predict, Signature } from 'dspex';

/** The class form: the same fields, with descriptions and instructions next to them. */
class ClassifyReview extends Signature {
  static instructions = 'Classify the sentiment of a product review.';

  @InputField({ desc: 'a customer review' }) review!: string;
  @OutputField({ type: "Literal['positive', 'negative', 'neutral']" }) sentiment!: string;
  @OutputField({ desc: 'how sure you are, from 0 to 1' }) confidence!: number;
}

export async function main(): Promise<void> {
  const classify = Signature.from(ClassifyReview);
  console.log(classify.toString()); // review -> sentiment, confidence
  for (const field of classify.fields) console.log(`${field.name}: ${field.annotation}`, field.hasDefaultDesc ? '' : `- ${field.desc}`);

  // Anywhere dspex takes a signature, the class works too.
  const predictor = new Predict(ClassifyReview);
  const lm = new DummyLM([{ sentiment: 'positive', confidence: 0.9 }]);
  const result = await predictor.forward({ review: 'Works great, arrived a day early.' }, { lm });
  console.log(result.sentiment, result.confidence); // positive 0.9
}

if (require.main === module) void main();
