import { DummyLM, Example, Module, Predict, Prediction, Predictor, configure, type ChatMessage } from 'dspex';

/** A small question-answering task in three topics. */
const FACTS: [question: string, answer: string, topic: string][] = [
  ['What is the capital of France?', 'Paris', 'capitals'],
  ['What is 2 + 3?', '5', 'sums'],
  ['What colour is the sky?', 'blue', 'colours'],
  ['What is the capital of Italy?', 'Rome', 'capitals'],
  ['What is 4 + 4?', '8', 'sums'],
  ['What colour is grass?', 'green', 'colours'],
  ['What is the capital of Japan?', 'Tokyo', 'capitals'],
  ['What is 6 + 3?', '9', 'sums'],
  ['What colour is snow?', 'white', 'colours'],
  ['What is the capital of Spain?', 'Madrid', 'capitals'],
  ['What is 7 + 1?', '8', 'sums'],
  ['What colour is coal?', 'black', 'colours'],
];

const toExample = ([question, answer]: [string, string, string]): Example => new Example({ question, answer }).withInputs('question');

/** Six examples to learn from, two per topic. */
export const trainset: Example[] = FACTS.slice(0, 6).map(toExample);
/** Six other questions of the same topics, to measure on. */
export const devset: Example[] = FACTS.slice(6).map(toExample);

/** The program we optimize: one predictor, `question -> answer`. */
export class QA extends Module {
  @Predictor('question -> answer') generate!: Predict;

  async forward(inputs: { question: string }): Promise<Prediction> {
    return this.generate.forward(inputs);
  }
}

const questionIn = (message: ChatMessage): string | undefined => /\[\[ ## question ## \]\]\n(.*)/.exec(message.content)?.[1];
const topicOf = (question: string | undefined): string | undefined => FACTS.find(([known]) => known === question)?.[2];

/**
 * An offline stand-in for a model that needs examples: it answers correctly only when the prompt
 * shows a demo of the same topic, and says "I do not know" otherwise. With a real model you would
 * use `new LM('openai/gpt-4o-mini')`; the optimizers work the same way.
 */
export function makeLM(): DummyLM {
  return new DummyLM((messages) => {
    const question = questionIn(messages[messages.length - 1]);
    const demoTopics = messages
      .slice(0, -1)
      .filter((message) => message.role === 'user')
      .map((message) => topicOf(questionIn(message)));
    const fact = FACTS.find(([known]) => known === question);
    return { answer: fact !== undefined && demoTopics.includes(fact[2]) ? fact[1] : 'I do not know' };
  });
}

/** Run on its own, this file shows the starting point: with no demos in the prompt, the model does not know. */
export async function main(): Promise<void> {
  configure({ lm: makeLM() });
  const prediction = await new QA().forward({ question: 'What is the capital of Japan?' });
  console.log(prediction.answer); // I do not know
}

if (require.main === module) void main();
