import { DspexError, ToolError, describeProblem, describeValue, configurationError } from '../errors';
import type { BaseLM } from '../lm/base-lm';
import { getRootLogger, LOGGER_OPTION_RULE, type Logger } from '../logging/logger';
import { fieldsOfRecord } from '../primitives/example';
import { Module, type ForwardOptions } from '../primitives/module';
import { Prediction } from '../primitives/prediction';
import type { LooselyTyped, Simplify, SignatureInputs, SignatureOutputs } from '../signatures/infer-signature';
import { Signature, type SignatureInput } from '../signatures/signature';
import type { ExampleInput } from '../primitives/example';
import { currentSignal } from '../util/call-scope';
import { currentSettings } from '../settings/settings';
import { validateOptions, type OptionRule, type OptionRules } from '../util/validate-options';
import { ChainOfThought } from './chain-of-thought';
import { formatTrajectory } from './format-trajectory';
import { Predict } from './predict';
import { finishDescription, reactExtractSignature, reactStepSignature } from './react-signatures';
import { Tool, type ToolFunction } from './tool';

/** Options of `new ReAct(signature, options)`. */
export interface ReActOptions {
  /** The tools the agent may call: `Tool`s or plain functions taking one object of named arguments. */
  tools: readonly (Tool | ToolFunction)[];
  /** Most tool-calling steps per call before the answer is extracted (default 20, as DSPy's code). */
  maxIters?: number;
  /** Receives the warning logged when a step's reply cannot be parsed and the loop ends early. */
  logger?: Logger;
}

/** Per-call options of `ReAct.forward`. */
export interface ReActForwardOptions extends ForwardOptions {
  /** Overrides `maxIters` for this call (DSPy's `max_iters` input). */
  maxIters?: number;
  /** The LM both predictors use for this call (as `Predict.forward`'s `lm`). */
  lm?: BaseLM;
}

const DEFAULT_MAX_ITERS = 20;
const FINISH = 'finish';
const MAX_ITERS_RULE: OptionRule = { kind: 'integer', min: 1 };
// `tools` is checked by toolsByName, which reports TOOL_INVALID.
const REACT_OPTION_RULES: OptionRules = { tools: { kind: 'any' }, maxIters: MAX_ITERS_RULE, logger: LOGGER_OPTION_RULE };
const REACT_FORWARD_RULES: OptionRules = {
  signal: { kind: 'signal' },
  maxIters: MAX_ITERS_RULE,
  lm: { kind: 'custom', check: (value) => (value !== null && typeof (value as BaseLM).call === 'function' ? undefined : 'an LM (a BaseLM subclass)') },
};
// A step whose reply does not parse (an invented tool name fails the Literal) ends the loop, as DSPy's ValueError does.
const STEP_PARSE_FAILURES = new Set(['ADAPTER_PARSE', 'OUTPUT_INVALID']);

function toolsByName(tools: unknown, signature: Signature): Record<string, Tool> {
  if (!Array.isArray(tools)) {
    throw new ToolError(describeProblem('ReAct needs a list of tools.', describeValue(tools), 'Pass { tools: [search, new Tool(fn, { … })] }.'));
  }
  // A null-prototype object: tool names such as `constructor` must not meet Object.prototype.
  const byName: Record<string, Tool> = Object.create(null);
  for (const entry of tools) {
    if (!(entry instanceof Tool) && typeof entry !== 'function') {
      throw new ToolError(
        describeProblem('Each ReAct tool must be a Tool or a function.', describeValue(entry), 'Wrap it: new Tool(fn, { name, description, args }).'),
      );
    }
    const tool = Tool.from(entry as Tool | ToolFunction);
    if (tool.name === FINISH || Object.hasOwn(byName, tool.name)) {
      const problem = tool.name === FINISH ? 'The tool name "finish" is reserved for ReAct\'s built-in tool.' : `Two tools are named "${tool.name}".`;
      throw new ToolError(describeProblem(problem, JSON.stringify(tool.name), 'Give each tool a distinct name with new Tool(fn, { name }).'), {
        details: { tool: tool.name },
      });
    }
    byName[tool.name] = tool;
  }
  byName[FINISH] = new Tool(() => 'Completed.', { name: FINISH, description: finishDescription(signature), args: {} });
  return byName;
}

/**
 * Logs one warning for the plain functions among `tools`: the model sees only their names and
 * `{}` for their arguments, so it has to guess what they do and what to pass.
 */
function warnAboutUndescribedTools(tools: readonly unknown[], logger: Logger | undefined): void {
  const names = tools.filter((entry): entry is ToolFunction => typeof entry === 'function').map((fn) => fn.name);
  if (names.length === 0) return;
  const fix = `new Tool(${names[0]}, { description: 'What ${names[0]} does.', args: { query: { type: 'string' } } })`;
  (logger ?? getRootLogger())
    .child({ component: 'react' })
    .warn({ tools: names, fix }, 'tools given as plain functions have no description or argument schema; wrap each in a Tool');
}

/** The text after `Execution error in NAME: ` — DSPy feeds the error's own text back to the model. */
function problemText(error: unknown): string {
  if (DspexError.is(error) && typeof error.details.problem === 'string') return error.details.problem;
  return error instanceof Error ? error.message : String(error);
}

/** Runs the chosen tool; any failure becomes the observation text DSPy uses, except the caller's abort. */
async function observe(tools: Readonly<Record<string, Tool>>, name: unknown, args: unknown, signal: AbortSignal | undefined): Promise<unknown> {
  const tool = typeof name === 'string' && Object.hasOwn(tools, name) ? tools[name] : undefined;
  try {
    if (tool === undefined) {
      // Python's KeyError text, which DSPy's ReAct feeds back for an unknown tool.
      const problem = `'${String(name)}'`;
      throw new ToolError(describeProblem(`No tool named ${problem}.`, undefined, `Use one of: ${Object.keys(tools).join(', ')}.`), { details: { problem } });
    }
    return await tool.call(args, { signal });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    return `Execution error in ${String(name)}: ${problemText(error)}`;
  }
}

/**
 * DSPy's ReAct agent ("reasoning and acting"): in each step the `react` predictor writes a thought
 * and picks a tool and its arguments; the tool's result (or its error) is appended to the
 * trajectory, until the model picks `finish` or `maxIters` steps have run. Then `extract` (a
 * ChainOfThought over the original signature plus the trajectory) produces the outputs.
 * Predictors: `react`, `extract.predict`. The caller's signal stops the loop between steps.
 * @example
 * const search = new Tool(async ({ query }: { query: string }) => lookUp(query), {
 *   description: 'Search the web for a query.',
 *   args: { query: { type: 'string' } },
 * });
 * const agent = new ReAct('question -> answer', { tools: [search], maxIters: 5 });
 * const { answer, trajectory } = await agent.forward({ question: 'What is the capital of France?' });
 */
/** ReAct's outputs: the signature's, plus `trajectory` and the extract step's `reasoning`. */
export type ReActOutputs<O> = Simplify<{ trajectory: Record<string, unknown>; reasoning: string } & O>;

export class ReAct<S extends SignatureInput = SignatureInput, I = SignatureInputs<S>, O extends object = ReActOutputs<SignatureOutputs<S>>> extends Module {
  signature: Signature;
  maxIters: number;
  /** The tools by name, `finish` last. */
  tools: Record<string, Tool>;
  react: Predict;
  extract: ChainOfThought;
  readonly logger: Logger | undefined;

  /**
   * @throws {ConfigurationError} CONFIGURATION_INVALID when `maxIters` is not a whole number ≥ 1 or an option is unknown.
   * @throws {ToolError} TOOL_INVALID for a tool that is not a function or `Tool`, a duplicate name, or a tool named `finish`.
   */
  constructor(signature: S, options: ReActOptions) {
    super();
    validateOptions('ReAct', options, REACT_OPTION_RULES, { error: configurationError, allowUndefined: false });
    const maxIters = options.maxIters ?? DEFAULT_MAX_ITERS;
    const base = Signature.from(signature);
    // Attributes in DSPy's order, so introspection names and orders the predictors as DSPy does.
    this.signature = base;
    this.maxIters = maxIters;
    this.tools = toolsByName(options.tools, base);
    this.react = new Predict(reactStepSignature(base, Object.values(this.tools)));
    this.extract = new ChainOfThought(reactExtractSignature(base));
    this.logger = options.logger;
    warnAboutUndescribedTools(options.tools, this.logger);
  }

  /**
   * Runs the agent loop, then extracts the outputs. The prediction has `trajectory` (thought_i,
   * tool_name_i, tool_args_i, observation_i for each step), `reasoning`, then the signature's outputs.
   * @throws {ConfigurationError} CONFIGURATION_INVALID for a per-call `maxIters` that is not a whole number ≥ 1, or an unknown per-call option.
   * @throws the caller's `signal.reason` when the signal aborts; LM errors from the predictors.
   */
  forward<T extends Readonly<Record<string, unknown>>>(inputs: LooselyTyped<T>, options?: ReActForwardOptions): Promise<Prediction<O>>;
  forward(inputs: I | ExampleInput, options?: ReActForwardOptions): Promise<Prediction<O>>;
  async forward(inputs: I | ExampleInput, options: ReActForwardOptions = {}): Promise<Prediction<O>> {
    validateOptions('ReAct.forward', options, REACT_FORWARD_RULES, { error: configurationError });
    const { lm } = options;
    const signal = options.signal ?? currentSignal();
    signal?.throwIfAborted();
    const maxIters = options.maxIters ?? this.maxIters;
    const fields = fieldsOfRecord(inputs as Readonly<Record<string, unknown>>);
    const trajectory: Record<string, unknown> = {};
    for (let index = 0; index < maxIters; index += 1) {
      signal?.throwIfAborted();
      let step: Prediction;
      try {
        step = await this.react.forward({ ...fields, trajectory: formatTrajectory(trajectory, currentSettings().adapter) }, { signal, lm });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!DspexError.is(error) || !STEP_PARSE_FAILURES.has(error.code)) throw error;
        (this.logger ?? getRootLogger())
          .child({ component: 'react' })
          .warn({ err: error, step: index }, 'ending the trajectory: agent failed to select a valid tool');
        break;
      }
      const toolName = step.get('next_tool_name');
      const toolArgs = step.get('next_tool_args');
      trajectory[`thought_${index}`] = step.get('next_thought');
      trajectory[`tool_name_${index}`] = toolName;
      trajectory[`tool_args_${index}`] = toolArgs;
      trajectory[`observation_${index}`] = await observe(this.tools, toolName, toolArgs, signal);
      if (toolName === FINISH) break;
    }
    signal?.throwIfAborted();
    const extracted = await this.extract.forward({ ...fields, trajectory: formatTrajectory(trajectory, currentSettings().adapter) }, { signal, lm });
    return new Prediction({ trajectory, ...fieldsOfRecord(extracted) }) as Prediction<O>;
  }
}
