import type { ChatMessage } from '../../lib/lm/chat-message';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { Example } from '../../lib/primitives/example';

/** The facts the LM "knows"; it only states one when a demo of the same topic primes it. */
export const FACTS: Record<string, { topic: string; answer: string }> = {
  'What is the capital of France?': { topic: 'geography', answer: 'Paris' },
  'What is the capital of Germany?': { topic: 'geography', answer: 'Berlin' },
  'What is the capital of Italy?': { topic: 'geography', answer: 'Rome' },
  'What is the capital of Spain?': { topic: 'geography', answer: 'Madrid' },
  'What is 2 + 3?': { topic: 'arithmetic', answer: '5' },
  'What is 4 + 4?': { topic: 'arithmetic', answer: '8' },
  'What is 7 + 1?': { topic: 'arithmetic', answer: '8' },
  'What is 6 + 3?': { topic: 'arithmetic', answer: '9' },
  'What color is the sky?': { topic: 'colour', answer: 'blue' },
  'What color is grass?': { topic: 'colour', answer: 'green' },
  'What color is snow?': { topic: 'colour', answer: 'white' },
  'What color is coal?': { topic: 'colour', answer: 'black' },
};

/** Every fact as a labeled example, in a fixed order that mixes topics. */
export function factExamples(): Example[] {
  const questions = Object.keys(FACTS);
  const order = [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11];
  return order.map((index) => new Example({ question: questions[index], answer: FACTS[questions[index]].answer }).withInputs('question'));
}

const QUESTION = /\[\[ ## question ## \]\]\n([^\n]*)/;

function questionOf(message: ChatMessage): string | undefined {
  return message.role === 'user' ? QUESTION.exec(message.content)?.[1] : undefined;
}

/** The topics of the demos in a prompt (every user turn before the last). */
export function demoTopics(messages: readonly ChatMessage[]): string[] {
  return messages
    .slice(0, -1)
    .map(questionOf)
    .filter((question): question is string => question !== undefined)
    .map((question) => FACTS[question]?.topic ?? 'unknown');
}

/**
 * A DummyLM whose answer depends on the demos in the prompt: it answers a question correctly
 * only when some demo has the same topic, else "I do not know". So demos measurably help.
 */
export function demoAwareLM(): DummyLM {
  return new DummyLM((messages) => {
    const question = questionOf(messages[messages.length - 1]) ?? '';
    const fact = FACTS[question];
    const isPrimed = fact !== undefined && demoTopics(messages).includes(fact.topic);
    return { answer: isPrimed ? fact.answer : 'I do not know' };
  });
}
