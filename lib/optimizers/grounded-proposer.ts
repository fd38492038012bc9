import type { Logger } from '../logging/logger';
import { Example } from '../primitives/example';
import type { Module } from '../primitives/module';
import { Predict } from '../predict/predict';
import { context } from '../settings/settings';
import { pythonRepr } from '../util/python-format';
import { createDatasetSummary } from './dataset-summary';
import type { OptimizerRun } from './optimizer-run';
import { programSource } from './program-source';
import { DESCRIBE_MODULE, DESCRIBE_PROGRAM, PROPOSER_TIPS, generateInstructionSignature, stripPrefix } from './proposer-signatures';
import type { SeededRandom } from '../util/seeded-random';

/** A demo set per candidate, per predictor index (DSPy's `demo_candidates`). */
export type DemoCandidates = (Example | Record<string, unknown>)[][][];

/** Options of `proposeInstructions`: DSPy's `GroundedProposer` as MIPROv2 configures it. */
export interface GroundedProposerOptions {
  program: Module;
  trainset: readonly Example[];
  demoCandidates: DemoCandidates | undefined;
  /** Instructions per predictor (DSPy's `N`). */
  count: number;
  run: OptimizerRun;
  random: SeededRandom;
  initTemperature: number;
  /** Examples per dataset-summary request (DSPy's `view_data_batch_size`, default 10). */
  viewDataBatchSize: number;
  programAware: boolean;
  dataAware: boolean;
  tipAware: boolean;
  fewshotAware: boolean;
  log: Logger;
}

const DEMOS_IN_CONTEXT = 3;

/** Runs `predictor` on `inputs` (only its signature's inputs) and returns the first completion's fields. */
async function ask(predictor: Predict, inputs: Record<string, unknown>, signal: AbortSignal | undefined): Promise<Record<string, unknown>> {
  const picked: Record<string, unknown> = {};
  for (const field of predictor.signature.inputFields) picked[field.name] = inputs[field.name];
  const prediction = await predictor.forward(picked, { signal });
  return prediction.toJSON();
}

/** Python's `str(value)` for a demo field value. */
function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  return pythonRepr(value);
}

/** DSPy's `create_example_string`: `Prefix: value` per signature field. */
function exampleString(program: Module, index: number, demo: Example | Record<string, unknown>): string {
  const predictor = program.predictors()[index];
  const get = (name: string): unknown => (demo instanceof Example ? demo.get(name) : demo[name]);
  return predictor.signature.fields.map((field) => `${field.prefix} ${pythonStr(get(field.name))}`).join('\n');
}

function isAugmented(demo: Example | Record<string, unknown>): boolean {
  return demo instanceof Example ? demo.has('augmented') : 'augmented' in demo;
}

/** DSPy's task demos: up to three bootstrapped demos from this set, then the following sets, wrapping around. */
function taskDemos(options: GroundedProposerOptions, index: number, setIndex: number): string {
  const sets = options.demoCandidates?.[index];
  let text = '';
  if (options.fewshotAware && sets !== undefined) {
    const ordered = [sets[setIndex], ...sets.slice(setIndex + 1), ...sets.slice(0, setIndex)];
    const strings: string[] = [];
    for (const set of ordered) {
      for (const demo of set) {
        if (strings.length >= DEMOS_IN_CONTEXT) break;
        if (isAugmented(demo)) strings.push(exampleString(options.program, index, demo));
      }
    }
    text = `${strings.join('\n\n')}\n\n`;
  }
  return text.trim() === '' || setIndex === 0 ? 'No task demos provided.' : text;
}

/**
 * DSPy's `GroundedProposer.propose_instructions_for_program` as MIPROv2 uses it: a dataset summary
 * first, then for each predictor and each of the first `count` demo sets, one instruction
 * proposed from the program code and description, the module's description, task demos, the
 * basic instruction and a random tip, with a fresh rollout of the prompt model.
 * @returns one list of instructions per predictor index.
 */
export async function proposeInstructions(options: GroundedProposerOptions): Promise<string[][]> {
  const { run, program, random, log } = options;
  const signal = run.signal;
  const programCode: string | undefined = options.programAware ? programSource(program) : undefined;
  let dataSummary: string | undefined;
  if (options.dataAware) {
    try {
      dataSummary = await run.withPromptModel(() =>
        createDatasetSummary(options.trainset, options.viewDataBatchSize, (predictor, inputs) => ask(predictor, inputs, signal)),
      );
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // As DSPy: without a summary the proposer still runs, without the dataset description.
      log.warn({ err: error }, 'dataset summary failed; proposing without it');
    }
  }
  const setCount = options.demoCandidates === undefined || options.demoCandidates.length === 0 ? options.count : Math.max(options.demoCandidates[0].length, 1);
  const proposals: string[][] = [];
  const tipKeys = Object.keys(PROPOSER_TIPS);
  for (const [index, predictor] of program.predictors().entries()) {
    proposals.push([]);
    for (let setIndex = 0; setIndex < Math.min(options.count, setCount); setIndex += 1) {
      run.throwIfAborted();
      const tip = options.tipAware ? PROPOSER_TIPS[random.choice(tipKeys)] : undefined;
      const rolloutId = random.randint(0, 10 ** 9);
      const rollout = run.promptLM!.copy({ rolloutId, temperature: options.initTemperature });
      const instruction = await context({ lm: rollout }, async () => {
        const demos = options.demoCandidates === undefined ? 'No task demos provided.' : taskDemos(options, index, setIndex);
        let programDescription = 'Not available';
        let moduleCode = 'Not provided';
        let moduleDescription = 'Not provided';
        if (programCode !== undefined) {
          try {
            const described = await ask(new Predict(DESCRIBE_PROGRAM), { program_code: programCode, program_example: demos }, signal);
            programDescription = stripPrefix(String(described.program_description ?? ''));
            const inputs = predictor.signature.inputFields.map((field) => field.name).join(', ');
            const outputs = predictor.signature.outputFields.map((field) => field.name).join(', ');
            moduleCode = `${predictor.constructor.name}(${inputs}) -> ${outputs}`;
            const module = await ask(
              new Predict(DESCRIBE_MODULE),
              { program_code: programCode, program_description: programDescription, program_example: demos, module: moduleCode },
              signal,
            );
            moduleDescription = String(module.module_description ?? '');
          } catch (error) {
            if (signal?.aborted) throw signal.reason;
            log.warn({ err: error }, 'program description failed; proposing without it');
          }
        }
        const signature = generateInstructionSignature({
          useDatasetSummary: dataSummary !== undefined,
          programAware: options.programAware,
          useInstructHistory: false,
          useTip: Boolean(tip),
        });
        const generated = await ask(
          new Predict(signature),
          {
            dataset_description: dataSummary,
            program_code: programCode ?? 'Not provided',
            module: moduleCode,
            program_description: programDescription,
            module_description: moduleDescription,
            task_demos: demos,
            tip,
            basic_instruction: predictor.signature.instructions,
          },
          signal,
        );
        return stripPrefix(stripPrefix(String(generated.proposed_instruction ?? '')));
      });
      proposals[index].push(instruction);
    }
  }
  return proposals;
}
