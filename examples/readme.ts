import { ChainOfThought, DummyLM, LM, Module, Predictor, configure, type Prediction } from 'dspex';

class QuestionAnswerer extends Module {
  @Predictor('context: list[str], question -> answer', { module: ChainOfThought })
  generate!: ChainOfThought;

  async forward(inputs: { context: string[]; question: string }): Promise<Prediction> {
    return this.generate.forward(inputs);
  }
}

export async function main(): Promise<void> {
  // A real model when OPENAI_API_KEY is set; otherwise a scripted stand-in, so this runs offline.
  const offline = new DummyLM([{ reasoning: 'The context says Paris is in France.', answer: 'France' }]);
  configure({ lm: process.env.OPENAI_API_KEY ? new LM('openai/gpt-4o-mini') : offline });

  const { reasoning, answer } = await new QuestionAnswerer().forward({ context: ['Paris is in France.'], question: 'Where is Paris?' });
  console.log(reasoning);
  console.log(answer); // France
}

if (require.main === module) void main();
