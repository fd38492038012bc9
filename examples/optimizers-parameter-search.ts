import { IsIn, IsInt, Max, Min } from 'class-validator';
import pino from 'pino';
import { Example, Module, Parameter, ParameterSearch, Prediction, type Metric } from 'dspex';

const PASSAGES = [
  'The Eiffel Tower is in Paris.',
  'Paris is the capital of France.',
  'The Louvre is a museum in Paris.',
  'Lyon is known for its food.',
  'The Seine flows through Paris.',
];

/** A retriever with two tuned settings: how many passages to return, and how to rank them. */
class Retriever extends Module {
  @Parameter({ description: 'passages to return' }) @IsInt() @Min(1) @Max(5) k = 1;
  @Parameter({ description: 'ranking' }) @IsIn(['overlap', 'order']) ranking = 'order';

  async forward(inputs: { question: string }): Promise<Prediction> {
    const words = new Set(inputs.question.toLowerCase().match(/\w+/g));
    const overlap = (passage: string): number => (passage.toLowerCase().match(/\w+/g) ?? []).filter((word) => words.has(word)).length;
    const ranked = this.ranking === 'overlap' ? [...PASSAGES].sort((left, right) => overlap(right) - overlap(left)) : PASSAGES;
    return new Prediction({ context: ranked.slice(0, this.k) });
  }
}

const examples = [
  new Example({ question: 'Which museum is in Paris?', passage: 'The Louvre is a museum in Paris.' }).withInputs('question'),
  new Example({ question: 'Which river flows through Paris?', passage: 'The Seine flows through Paris.' }).withInputs('question'),
  new Example({ question: 'What is Lyon known for?', passage: 'Lyon is known for its food.' }).withInputs('question'),
];
/** Recall, with a small price per passage: finding the passage with fewer passages scores higher. */
const metric: Metric = (example, prediction) => {
  const context = prediction.context as string[];
  return context.includes(example.passage as string) ? 1 - 0.1 * context.length : 0;
};

/** ParameterSearch: tune scalar @Parameters within their constraints (@Min/@Max, @IsInt, @IsIn). */
export async function main(): Promise<void> {
  const retriever = new Retriever();
  const search = new ParameterSearch({ metric, strategy: 'grid', logger: pino({ level: 'silent' }) });
  const tuned = await search.compile(retriever, { trainset: examples });

  console.log(tuned.k, tuned.ranking); // 1 overlap
  console.log(tuned.searchResults.baseline?.score, '→', tuned.searchResults.best.score); // 0 → 90
  console.log(tuned.searchResults.trials.length, 'candidates tried'); // 10 candidates tried
  const { value, previous, source } = tuned.parameter('ranking').history.at(-1)!;
  console.log(value, previous, source); // overlap order assign   (the chosen value is recorded in the parameter's history)
  console.log(retriever.k, retriever.ranking); // 1 order   (the student is unchanged)
}

if (require.main === module) void main();
