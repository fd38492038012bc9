import pino from 'pino';
import { DummyLM, Example, GEPA, Module, Predict, Prediction, Predictor, context, type GEPAMetric } from 'dspex';

/** A support-ticket router: the right team depends on house rules the model must be told. */
class Router extends Module {
  @Predictor('ticket -> team') route!: Predict;

  async forward(inputs: { ticket: string }): Promise<Prediction> {
    return this.route.forward(inputs);
  }
}

const RULES: Record<string, string> = {
  refund: 'Refund requests go to billing.',
  password: 'Password problems go to security.',
  invoice: 'Invoice copies go to accounting.',
};
const TEAMS: Record<string, string> = { refund: 'billing', password: 'security', invoice: 'accounting' };

// A stand-in model: it routes correctly only when the instruction states the rule for the ticket's topic.
const taskLM = new DummyLM((messages) => {
  const topic = Object.keys(RULES).find((key) => String(messages.at(-1)?.content).includes(key)) ?? 'refund';
  return { team: String(messages[0].content).includes(RULES[topic]) ? TEAMS[topic] : 'support' };
});
// A stand-in reflection model: it adds to the instruction the rules that the feedback spells out.
const reflectionLM = new DummyLM((messages) => {
  const prompt = String(messages[0].content);
  const current = /```\n([\s\S]*?)\n```/.exec(prompt)?.[1] ?? '';
  const learned = Object.values(RULES).filter((rule) => prompt.includes(`Rule: ${rule}`) && !current.includes(rule));
  return '```\n' + [current, ...learned].join(' ') + '\n```';
});

const tickets = (topics: string[]): Example[] =>
  topics.map((topic, index) => new Example({ ticket: `#${index}: ${topic} please`, team: TEAMS[topic] }).withInputs('ticket'));
const trainset = tickets(['refund', 'password', 'invoice', 'refund', 'password', 'invoice']);
const valset = tickets(['invoice', 'refund', 'password', 'password', 'refund', 'invoice']);

/** The metric explains its score: GEPA shows this feedback to the reflection model. */
const metric: GEPAMetric = (example, prediction) => {
  if (prediction.team === example.team) return { score: 1, feedback: 'Correct team.' };
  const topic = Object.keys(RULES).find((key) => String(example.ticket).includes(key))!;
  return { score: 0, feedback: `Wrong team: expected ${example.team}. Rule: ${RULES[topic]}` };
};

/** GEPA: evolve the instruction from the metric's feedback, within 60 metric calls. */
export async function main(): Promise<void> {
  const router = new Router();
  const gepa = new GEPA({ metric, reflectionLM, maxMetricCalls: 60, logger: pino({ level: 'silent' }) });
  const compiled = await context({ lm: taskLM }, () => gepa.compile(router, { trainset, valset }));

  console.log(compiled.optimization.score); // 100 (on the valset)
  console.log(compiled.optimization.metricCalls <= 60); // true: the budget is never exceeded
  console.log(compiled.route.signature.instructions.includes(RULES.invoice)); // true: learned from feedback
  console.log(router.route.signature.instructions); // Given the fields `ticket`, produce the fields `team`.
}

if (require.main === module) void main();
