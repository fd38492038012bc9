import { ChatAdapter } from '../adapters/chat-adapter';
import { reviveImages } from '../adapters/types/image';
import type { Adapter } from '../adapters/adapter';
import { InputValidationError, LMNotConfiguredError, StateValidationError, describeProblem, describeValue } from '../errors';
import type { BaseLM, LMCallOptions } from '../lm/base-lm';
import { Example, fieldsOfRecord, type ExampleInput } from '../primitives/example';
import { Module, type ForwardOptions } from '../primitives/module';
import { PREDICTOR_BRAND, registerPredictorFactory, type PredictorContract } from '../primitives/module-brand';
import { loadPredictorState } from '../primitives/module-state';
import { Prediction } from '../primitives/prediction';
import { adapterObserver } from '../settings/callbacks';
import { currentSettings } from '../settings/settings';
import { admitsNone } from '../signatures/field-types';
import type { LooselyTyped, SignatureInputs, SignatureOutputs } from '../signatures/infer-signature';
import { Signature, type SignatureInput } from '../signatures/signature';
import { currentSignal } from '../util/call-scope';
import { isPlainObject } from '../util/is-plain-object';
import { lmFromState } from './lm-from-state';
import { validatePredictConfig } from './predict-config';

/** Per-predictor LM options (temperature, maxTokens, n, …), merged over the LM's defaults. */
export type PredictConfig = Pick<LMCallOptions, 'temperature' | 'maxTokens' | 'n' | 'stop' | 'rolloutId' | 'responseFormat' | 'cache'> & {
  [option: string]: unknown;
};

/** Per-call overrides of `Predict.forward`. */
export interface PredictForwardOptions extends ForwardOptions {
  lm?: BaseLM;
  config?: PredictConfig;
  demos?: readonly (Example | Readonly<Record<string, unknown>>)[];
}

/** A predictor's saved state, DSPy's `Predict.dump_state()` layout. */
export interface PredictState {
  traces: unknown[];
  train: unknown[];
  demos: Record<string, unknown>[];
  signature: ReturnType<Signature['dumpState']>;
  lm: Record<string, unknown> | null;
}

const DEFAULT_MAX_TRACE_SIZE = 10_000;
const DEFAULT_ADAPTER = new ChatAdapter();
// No #private members: deepcopy() creates instances without running the constructor.

function demoToPlain(demo: unknown): Record<string, unknown> {
  if (demo instanceof Example) return demo.toJSON();
  return JSON.parse(JSON.stringify(demo)) as Record<string, unknown>;
}

/** Throws INPUT_INVALID naming every required (non-Optional) input missing from `fields`. */
function assertRequiredInputs(signature: Signature, fields: Readonly<Record<string, unknown>>): void {
  let missing: string[] | undefined;
  for (const field of signature.inputFields) {
    if (fields[field.name] === undefined && !admitsNone(field.type)) (missing ??= []).push(field.name);
  }
  if (missing !== undefined) {
    throw new InputValidationError(
      describeProblem(
        `Missing required input field(s) ${missing.map((name) => `"${name}"`).join(', ')} for "${signature.toString()}".`,
        `inputs ${Object.keys(fields).join(', ') || '(none)'}`,
        'Pass every input field of the signature (declare it Optional[...] to make it optional).',
      ),
      { details: { missing } },
    );
  }
}

/**
 * The basic predictor: formats its signature, demos and inputs with the adapter, calls the LM,
 * and parses the reply into a `Prediction`. Its `demos` and signature instructions are what
 * optimizers tune.
 * @example
 * const qa = new Predict('question -> answer: int');
 * const prediction = await qa.forward({ question: 'What is 2+2?' });
 * prediction.answer; // typed number: literal signature text types inputs and outputs
 */
export class Predict<S extends SignatureInput = SignatureInput, I = SignatureInputs<S>, O extends object = SignatureOutputs<S>>
  extends Module
  implements PredictorContract
{
  declare readonly [PREDICTOR_BRAND]: true;
  signature: Signature;
  config: PredictConfig;
  demos: (Example | Record<string, unknown>)[];
  lm: BaseLM | undefined;
  traces: unknown[];
  /** DSPy's `train` entry of predictor state (named so as not to hide `Module.train()`). */
  trainData: unknown[];

  constructor(signature: S, config: PredictConfig = {}) {
    super();
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new InputValidationError(
        describeProblem('Predict config must be an object of LM options.', describeValue(config), 'Pass e.g. { temperature: 0.7, n: 3 }.'),
      );
    }
    this.signature = Signature.from(signature);
    this.config = validatePredictConfig(config);
    this.demos = [];
    this.lm = undefined;
    this.traces = [];
    this.trainData = [];
  }

  /**
   * Runs the signature on `inputs`.
   * @throws {InputValidationError} INPUT_INVALID naming missing required inputs.
   * @throws {LMNotConfiguredError} LM_NOT_CONFIGURED when no LM is given, set or configured.
   * @throws {AdapterParseError} ADAPTER_PARSE when the reply cannot be parsed (after the JSON fallback).
   */
  forward<T extends Readonly<Record<string, unknown>>>(inputs: LooselyTyped<T>, options?: PredictForwardOptions): Promise<Prediction<O>>;
  forward(inputs: I | ExampleInput, options?: PredictForwardOptions): Promise<Prediction<O>>;
  async forward(inputs: I | ExampleInput, options: PredictForwardOptions = {}): Promise<Prediction<O>> {
    const signal = options.signal ?? currentSignal();
    signal?.throwIfAborted();
    const settings = currentSettings();
    const lm = options.lm ?? this.lm ?? settings.lm;
    if (lm === undefined) {
      throw new LMNotConfiguredError(
        describeProblem(
          `No LM for predictor "${this.signature.toString()}".`,
          'no lm option, predictor.lm or configured lm',
          'Call configure({ lm }), pass { lm } to forward, or set predictor.lm.',
        ),
      );
    }
    const fields = fieldsOfRecord(inputs as Readonly<Record<string, unknown>>);
    assertRequiredInputs(this.signature, fields);
    const config = options.config === undefined ? this.config : { ...this.config, ...options.config };
    let lmOptions: LMCallOptions = config;
    const n = config.n ?? (lm.options.n as number | undefined) ?? 1;
    if (n > 1) {
      // DSPy: several completions at (near) zero temperature would be identical.
      const temperature = config.temperature ?? (lm.options.temperature as number | undefined);
      if (temperature === undefined || temperature <= 0.15) lmOptions = { ...lmOptions, temperature: 0.7 };
    }
    if (signal !== undefined) lmOptions = { ...lmOptions, signal };
    const adapter: Adapter = settings.adapter ?? DEFAULT_ADAPTER;
    const request = {
      signature: this.signature,
      demos: options.demos ?? this.demos,
      inputs: fields,
      options: lmOptions,
      observe: adapterObserver(settings.callbacks),
    };
    const completions = await adapter.call(lm, request);
    const prediction = Prediction.fromCompletions(completions);
    const trace = settings.trace;
    if (trace !== undefined) {
      trace.push({ predictor: this, inputs: { ...fields }, prediction });
      if (trace.length > (settings.maxTraceSize ?? DEFAULT_MAX_TRACE_SIZE)) trace.shift();
    }
    return prediction as Prediction<O>;
  }

  /** Clears demos, traces, train and the predictor's own LM (DSPy's `reset`). */
  reset(): void {
    this.lm = undefined;
    this.traces = [];
    this.trainData = [];
    this.demos = [];
  }

  /** DSPy's predictor state: `traces`, `train`, `demos`, `signature`, `lm` (null unless the predictor has its own). */
  override dumpState(): PredictState & Record<string, unknown> {
    return {
      traces: [...this.traces],
      train: [...this.trainData],
      demos: this.demos.map(demoToPlain),
      signature: this.signature.dumpState(),
      lm: this.lm === undefined ? null : this.lm.dumpState(),
    };
  }

  /** Applies a predictor state (DSPy's layout), all or nothing. */
  override loadState(state: PredictState | Record<string, unknown>, options: { allowUnsafeLmState?: boolean } = {}): this {
    // The same checks as Module.loadState (nesting, prototype keys), then all or nothing.
    loadPredictorState(this, state, { ...options, name: 'self' });
    return this;
  }

  /** Validates a predictor state and returns the function that applies it. */
  prepareLoadState(state: unknown, options: { allowUnsafeLmState?: boolean; name: string }): () => void {
    const fail = (problem: string, received: unknown, fix: string): never => {
      throw new StateValidationError(describeProblem(`Predictor "${options.name}": ${problem}`, describeValue(received), fix), {
        details: { predictor: options.name },
      });
    };
    if (!isPlainObject(state)) fail('state must be an object.', state, 'Pass the entry dumpState() or DSPy saved for this predictor.');
    const record = state as Record<string, unknown>;
    if ('extended_signature' in record)
      fail('"extended_signature" (DSPy ≤ 2.5) is not supported.', Object.keys(record), 'Re-save the program with DSPy ≥ 2.6.');
    if (!('signature' in record)) fail('state has no "signature" entry.', Object.keys(record), 'Use a file saved by dspex or DSPy.');
    if (!('lm' in record)) fail('state has no "lm" entry.', Object.keys(record), 'Use a file saved by dspex or DSPy (lm may be null).');
    for (const key of ['demos', 'traces', 'train'] as const) {
      if (record[key] !== undefined && !Array.isArray(record[key])) fail(`"${key}" must be an array.`, record[key], `Save ${key} as a list.`);
    }
    const demos = (record.demos as unknown[] | undefined) ?? this.demos;
    demos.forEach((demo, index) => {
      if (!isPlainObject(demo) && !(demo instanceof Example)) fail(`demo ${index} must be an object of fields.`, demo, 'Save demos as objects.');
    });
    const signature = this.signature.loadState(record.signature as PredictState['signature']);
    const lmState = record.lm;
    if (lmState !== null && lmState !== undefined && !isPlainObject(lmState))
      fail('"lm" must be null or an object.', lmState, 'Save lm as null or LM.dumpState().');
    const lm =
      lmState === null || lmState === undefined || Object.keys(lmState as object).length === 0
        ? undefined
        : lmFromState(lmState as Record<string, unknown>, options);
    const traces = (record.traces as unknown[] | undefined) ?? this.traces;
    const train = (record.train as unknown[] | undefined) ?? this.trainData;
    return () => {
      // Images saved in DSPy's serialized form come back as Image values.
      this.demos = (demos as Record<string, unknown>[]).map((demo) => (demo instanceof Example ? demo : (reviveImages(demo) as Record<string, unknown>)));
      this.traces = [...traces];
      this.trainData = [...train];
      this.signature = signature;
      this.lm = lm;
    };
  }
}

Object.defineProperty(Predict.prototype, PREDICTOR_BRAND, { value: true });

registerPredictorFactory((signature, { module, config }) => {
  const PredictorClass = (module ?? Predict) as new (signature: SignatureInput, config?: PredictConfig) => object;
  return new PredictorClass(signature as SignatureInput, config);
});
