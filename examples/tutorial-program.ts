import { DummyLM, Example, Module, Predict, Prediction, Predictor, configure, type ChatMessage, type Metric } from 'dspex';

/** Support tickets and the team that should handle each. */
const TICKETS: [message: string, category: string][] = [
  ['I was charged twice this month.', 'billing'],
  ['The app crashes when I open settings.', 'technical'],
  ['How do I change my email address?', 'account'],
  ['My invoice shows the wrong amount.', 'billing'],
  ['I get a 500 error on the dashboard.', 'technical'],
  ['I cannot reset my password.', 'account'],
  ['How do I get a refund?', 'billing'],
  ['Uploads stop at 99 percent.', 'technical'],
  ['Please delete my account.', 'account'],
  ['Why was my card declined at checkout?', 'billing'],
  ['The page never finishes loading.', 'technical'],
  ['Can I add a second user to my account?', 'account'],
];

const toExample = ([message, category]: [string, string]): Example => new Example({ message, category }).withInputs('message');

/** Tickets to learn from (two per team) and tickets to measure on. */
export const trainset: Example[] = TICKETS.slice(0, 6).map(toExample);
export const devset: Example[] = TICKETS.slice(6).map(toExample);

/** The program: route a ticket to a team. */
export class Triage extends Module {
  @Predictor('message -> category') classify!: Predict;

  async forward(inputs: { message: string }): Promise<Prediction> {
    return this.classify.forward(inputs);
  }
}

/** The metric: the predicted team, compared case-insensitively. */
export const sameCategory: Metric = (example, prediction) => String(prediction.category).toLowerCase() === example.category;

const field = (message: ChatMessage, name: string): string | undefined => new RegExp(`\\[\\[ ## ${name} ## \\]\\]\\n(.*)`).exec(message.content)?.[1];

/**
 * An offline stand-in for a real model (`new LM('openai/gpt-4o-mini')`): it routes a ticket
 * correctly only when the prompt shows an example ticket for that team, else answers "other".
 */
export function makeLM(): DummyLM {
  return new DummyLM((messages) => {
    const category = TICKETS.find(([message]) => message === field(messages[messages.length - 1], 'message'))?.[1];
    const shown = messages.filter((message) => message.role === 'assistant').map((message) => field(message, 'category'));
    return { category: category !== undefined && shown.includes(category) ? category : 'other' };
  });
}

/** Run on its own, this file shows the starting point: with no example tickets in the prompt, every ticket is "other". */
export async function main(): Promise<void> {
  configure({ lm: makeLM() });
  const prediction = await new Triage().forward({ message: 'How do I get a refund?' });
  console.log(prediction.category); // other
}

if (require.main === module) void main();
