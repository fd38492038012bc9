import { DummyLM, Evaluate, Example, Module, Predict, Prediction, Predictor, context, type ChatMessage, type GEPAMetric } from 'dspex';

/**
 * A simulated task for the instruction optimizers: a scripted "model" that follows the rules its
 * instruction states. Each of three rules the instruction mentions raises its chance of answering
 * correctly (15% with none, 90% with all three; 5 points more when the prompt shows demos). The
 * draw for a question is seeded, so a run is reproducible.
 */

/** What a good instruction says; the scripted model looks for each `key` in its instructions. */
export const RULES = [
  { key: 'lowercase', text: 'Answer in lowercase.' },
  { key: 'one word', text: 'Reply with one word.' },
  { key: 'category list', text: 'Pick from the category list: fruit, tool, animal, colour.' },
] as const;

const CATEGORIES = ['fruit', 'tool', 'animal', 'colour'];

/** `count` examples `What category is item N?` → its category, starting at item `from`. */
export function makeExamples(count: number, from = 0): Example[] {
  return Array.from({ length: count }, (_, index) => {
    const item = from + index;
    return new Example({ question: `What category is item ${item}?`, answer: CATEGORIES[item % CATEGORIES.length] }).withInputs('question');
  });
}

/** The program to optimize: one predictor, `question -> answer`, with DSPy's default instruction. */
export class Categorize extends Module {
  @Predictor('question -> answer') classify!: Predict;

  async forward(inputs: { question: string }): Promise<Prediction> {
    return this.classify.forward(inputs);
  }
}

/** Exact match on the category. */
export const categoryMatch = (example: Example, prediction: Prediction): boolean => prediction.answer === example.answer;

/** A 32-bit FNV-1a hash, turned into a number in [0, 1). */
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return (hash >>> 0) / 2 ** 32;
}

/** How many rules `text` states. */
export function rulesStated(text: string): number {
  const lower = text.toLowerCase();
  return RULES.filter((rule) => lower.includes(rule.key)).length;
}

/** The scripted task model: correct with a chance set by the rules its instruction states. */
export function makeTaskLM(seed = 0): DummyLM {
  return new DummyLM((messages: readonly ChatMessage[]) => {
    const system = messages[0]?.content ?? '';
    const instruction = system.slice(system.indexOf('your objective is:'));
    const last = messages[messages.length - 1].content;
    const item = /item (\d+)\?/.exec(last)?.[1] ?? '0';
    const hasDemos = messages.length > 2;
    const chance = 0.15 + 0.25 * rulesStated(instruction) + (hasDemos ? 0.05 : 0);
    const isCorrect = unitHash(`${seed}|${item}|${rulesStated(instruction)}|${hasDemos}`) < chance;
    return { answer: isCorrect ? CATEGORIES[Number(item) % CATEGORIES.length] : 'unknown' };
  });
}

/** A small seeded generator (mulberry32) for the scripted prompt model's choices. */
function seededUnit(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 2 ** 32;
  };
}

const outputsOf = (system: string): string => system.slice(system.indexOf('Your output fields are:'), system.indexOf('All interactions'));

/**
 * The scripted prompt model: proposes instructions that state a random subset of the rules; shown
 * scored attempts (COPRO's later rounds), it adds a missing rule to the best one. It also answers
 * MIPROv2's dataset-summary and program-description requests.
 */
export function makePromptLM(seed = 0): DummyLM {
  const random = seededUnit(seed);
  const withRandomRules = (base: string, chance: number): string => [base, ...RULES.filter(() => random() < chance).map((rule) => rule.text)].join(' ');
  return new DummyLM((messages: readonly ChatMessage[]) => {
    const outputs = outputsOf(messages[0].content);
    const request = messages[messages.length - 1].content;
    if (outputs.includes('`observations`')) return { observations: 'Short questions that ask for the category of a numbered item.' };
    if (outputs.includes('`summary`')) return { summary: 'A dataset of questions asking which category an item belongs to.' };
    if (outputs.includes('`program_description`')) return { program_description: 'The program classifies items into categories.' };
    if (outputs.includes('`module_description`')) return { module_description: 'Answers with the category of the item.' };
    const base = 'Classify the item in the question.';
    if (request.includes('Resulting Score #')) {
      const attempts = [...request.matchAll(/Instruction #\d+: (.*?)»?$/gm)].map((match) => match[1]);
      const best = attempts[attempts.length - 1] ?? base;
      const missing = RULES.filter((rule) => !best.toLowerCase().includes(rule.key));
      const added = missing.length > 0 && random() < 0.6 ? ` ${missing[Math.floor(random() * missing.length)].text}` : '';
      return { proposed_instruction: `${best}${added}`, proposed_prefix_for_output_field: 'Answer:' };
    }
    if (outputs.includes('`proposed_prefix_for_output_field`'))
      return { proposed_instruction: withRandomRules(base, 0.35), proposed_prefix_for_output_field: 'Answer:' };
    return { proposed_instruction: withRandomRules(base, 0.5) };
  });
}

/**
 * GEPA's metric: the score, and for a wrong answer feedback that says what was expected and states
 * one of the rules (a different one from item to item), as a grader who knows the task would.
 */
export const categoryFeedback: GEPAMetric = (example, prediction) => {
  if (prediction.answer === example.answer) return { score: 1, feedback: 'Correct.' };
  const item = Number(/item (\d+)\?/.exec(String(example.question))?.[1] ?? 0);
  return { score: 0, feedback: `Wrong: expected "${example.answer}", got "${prediction.answer}". ${RULES[item % RULES.length].text}` };
};

/**
 * The scripted reflection model (GEPA): keeps the current instruction (the first ``` block of its
 * prompt) and adds each rule that the feedback it is shown states and the instruction lacks; with
 * nothing to learn from the feedback it only adds "Be precise.".
 */
export function makeReflectionLM(): DummyLM {
  return new DummyLM((messages: readonly ChatMessage[]) => {
    const prompt = messages[0].content;
    const current = /```\n([\s\S]*?)\n```/.exec(prompt)?.[1] ?? '';
    const shown = prompt.slice(prompt.indexOf('The following are examples'));
    const learned = RULES.filter((rule) => shown.includes(rule.text) && !current.toLowerCase().includes(rule.key));
    const next = learned.length > 0 ? [current, ...learned.map((rule) => rule.text)].join(' ') : `${current} Be precise.`;
    return `\`\`\`\n${next}\n\`\`\``;
  });
}

/** The simulated task on its own: the same model scores better with an instruction that states the rules. */
export async function main(): Promise<void> {
  const devset = makeExamples(100, 500);
  const evaluate = new Evaluate({ devset, metric: categoryMatch });
  const plain = new Categorize();
  const ruled = new Categorize();
  ruled.classify.signature = ruled.classify.signature.withInstructions(`Classify the item. ${RULES.map((rule) => rule.text).join(' ')}`);
  await context({ lm: makeTaskLM() }, async () => {
    console.log('default instruction', (await evaluate.run(plain)).score); // about 15
    console.log('all three rules    ', (await evaluate.run(ruled)).score); // about 90
  });
}

if (require.main === module) void main();
