import { ChainOfThought, DummyLM, Module, Prediction, Predictor, SubModule, configure } from 'dspex';

const PASSAGES = ['Paris is the capital of France.', 'Berlin is the capital of Germany.', 'The Seine flows through Paris.'];

/** A module without any LM: plain code can be a step of a program too. */
class Retrieve extends Module {
  async forward(inputs: { question: string }): Promise<Prediction> {
    const words = inputs.question.toLowerCase().match(/\w+/g) ?? [];
    const passages = PASSAGES.filter((passage) => words.some((word) => word.length > 3 && passage.toLowerCase().includes(word)));
    return new Prediction({ passages });
  }
}

/** Retrieval-augmented question answering: retrieve passages, then reason over them. */
class RAG extends Module {
  @SubModule({ type: () => Retrieve }) retrieve!: Retrieve;
  @Predictor('context: list[str], question -> answer', { module: ChainOfThought }) generate!: ChainOfThought;

  async forward(inputs: { question: string }): Promise<Prediction> {
    const { passages } = await this.retrieve.forward(inputs);
    return this.generate.forward({ context: passages, question: inputs.question });
  }
}

export async function main(): Promise<void> {
  configure({ lm: new DummyLM([{ reasoning: 'The first passage names the capital of France.', answer: 'Paris' }]) });

  const rag = new RAG();
  const prediction = await rag.forward({ question: 'What is the capital of France?' });
  console.log(prediction.reasoning); // The first passage names the capital of France.
  console.log(prediction.answer); // Paris
}

if (require.main === module) void main();
