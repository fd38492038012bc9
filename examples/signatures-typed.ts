import { ChainOfThought, DummyLM, Module, Predict, type Prediction } from 'dspex';

/** Literal signature text types the module: the compiler knows every input and output field. */
class Support extends Module {
  // A field initializer keeps the inferred type: `forward` takes { question: string; k?: number | null }.
  answer = new ChainOfThought('question: str, k: Optional[int] -> answer: str, sources: list[str], confidence: float');

  async forward(inputs: { question: string }): Promise<Prediction<{ reasoning: string; answer: string; sources: string[]; confidence: number }>> {
    return this.answer.forward(inputs);
  }
}

export async function main(): Promise<void> {
  const classify = new Predict("ticket -> category: Literal['billing', 'technical'], urgent: bool");
  classify.lm = new DummyLM([{ category: 'billing', urgent: 'true' }]);
  const { category, urgent } = await classify.forward({ ticket: 'I was charged twice.' });
  // category: 'billing' | 'technical', urgent: boolean
  if (category === 'billing' && urgent) console.log('escalate to billing'); // escalate to billing

  // Mistakes are compile errors:
  // classify.forward({ tikcet: '…' })          — no input named tikcet
  // (await classify.forward(…)).categroy        — no output named categroy
  // if (category === 'sales')                   — not one of the Literal's values

  const support = new Support();
  support.answer.predict.lm = new DummyLM([{ reasoning: 'Docs say so.', answer: 'Restart it.', sources: '["faq"]', confidence: '0.8' }]);
  const { answer, sources, confidence } = await support.forward({ question: 'The app froze.' });
  console.log(answer, sources.length, confidence.toFixed(1)); // Restart it. 1 0.8
}

if (require.main === module) void main();
