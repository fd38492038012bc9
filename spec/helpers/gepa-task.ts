import type { ChatMessage } from '../../lib/lm/chat-message';
import { DummyLM } from '../../lib/lm/dummy-lm';
import { Example } from '../../lib/primitives/example';
import type { GEPAMetric } from '../../lib/optimizers/gepa/gepa-metric';
import { hashString } from '../../lib/util/seeded-random';

/**
 * A simulated task for GEPA (issue 13): each question is of one kind, and the scripted task LM
 * answers it correctly when the predictor's instruction states that kind's rule; otherwise it is
 * right only 20% of the time (a seeded draw from the question and the instruction).
 */
export const TASK_RULES: Readonly<Record<string, string>> = {
  dates: 'Write dates as YYYY-MM-DD.',
  distances: 'Give distances in kilometres.',
  names: 'Spell names in full.',
  money: 'Round amounts to whole euros.',
};

const KINDS = Object.keys(TASK_RULES);

/** `count` questions per kind, numbered from `first`. */
export function taskExamples(countPerKind: number, first = 0): Example[] {
  const examples: Example[] = [];
  for (let index = 0; index < countPerKind; index += 1) {
    for (const kind of KINDS) {
      const id = first + index * KINDS.length + KINDS.indexOf(kind);
      examples.push(new Example({ question: `item ${id} (${kind})`, answer: `answer-${id}` }).withInputs('question'));
    }
  }
  return examples;
}

function questionOf(messages: readonly ChatMessage[]): string {
  const last = String(messages[messages.length - 1]?.content ?? '');
  return /\[\[ ## question ## \]\]\n(.*)/.exec(last)?.[1]?.trim() ?? '';
}

/** The task LM: correct when the system message states the question's rule, else 20% of the time. */
export function taskLM(): DummyLM {
  return new DummyLM((messages) => {
    const system = String(messages[0]?.content ?? '');
    const question = questionOf(messages);
    const match = /item (\d+) \((\w+)\)/.exec(question);
    if (match === null) return { answer: 'unknown' };
    const [, id, kind] = match;
    // A second step (DraftAndPolish's polish) keeps a correct draft.
    const draft = /\[\[ ## draft ## \]\]\n(.*)/.exec(String(messages[messages.length - 1]?.content ?? ''))?.[1]?.trim();
    if (draft === `answer-${id}`) return { answer: draft };
    const isRuleStated = system.includes(TASK_RULES[kind]);
    const isLucky = hashString(`${question}|${system}`) % 100 < 20;
    return { answer: isRuleStated || isLucky ? `answer-${id}` : `wrong-${id}` };
  });
}

/** A metric with feedback naming the rule the answer missed (or no feedback text at all). */
export function taskMetric(options: { hasFeedback: boolean } = { hasFeedback: true }): GEPAMetric {
  return (example, prediction) => {
    const isCorrect = example.get('answer') === prediction.get('answer');
    const kind = /\((\w+)\)/.exec(String(example.get('question')))?.[1] ?? '';
    if (!options.hasFeedback) return { score: isCorrect ? 1 : 0, feedback: '' };
    return { score: isCorrect ? 1 : 0, feedback: isCorrect ? 'Correct.' : `Wrong. For ${kind} questions: ${TASK_RULES[kind]}` };
  };
}

/** The prompts the reflection LM received, in order. */
export interface ReflectionLog {
  prompts: string[];
}

/**
 * The reflection LM: keeps the current instruction (the first ``` block) and appends every rule
 * the shown feedback states that the instruction lacks; with nothing to learn it appends "Be precise.".
 */
export function reflectionLM(log: ReflectionLog = { prompts: [] }): DummyLM {
  return new DummyLM((messages) => {
    const prompt = String(messages[0]?.content ?? '');
    log.prompts.push(prompt);
    const current = /```\n([\s\S]*?)\n```/.exec(prompt)?.[1] ?? '';
    const shown = prompt.slice(prompt.indexOf('The following are examples'));
    const learned = Object.values(TASK_RULES).filter((rule) => shown.includes(rule) && !current.includes(rule));
    const next = learned.length > 0 ? `${current} ${learned.join(' ')}` : `${current} Be precise.`;
    return `Here is the improved instruction:\n\`\`\`\n${next}\n\`\`\``;
  });
}
