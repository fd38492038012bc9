import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as dspex from 'dspex';
import { DspexError } from 'dspex';
import packageJson from '../package.json';
import { VERSION } from '../lib/version';

/** Every identifier docs/api.md spells (prose with code spans whose backticks do not always pair). */
function apiNames(): Set<string> {
  const text = readFileSync(path.join(__dirname, '..', 'docs', 'api.md'), 'utf8');
  return new Set([...text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((match) => match[0]));
}

/** docs/api.md names of the parts built so far: each must be exported. Grows with each issue. */
const BUILT = [
  'Signature',
  'signature',
  'InputField',
  'OutputField',
  'Example',
  'Prediction',
  'Module',
  'Parameter',
  'Predictor',
  'SubModule',
  'Predict',
  'ChainOfThought',
  'Adapter',
  'ChatAdapter',
  'JSONAdapter',
  'XMLAdapter',
  'Image',
  'BaseLM',
  'LM',
  'DummyLM',
  'Embedder',
  'clearHistory',
  'configure',
  'context',
  'resetSettings',
  'ParameterStore',
  'DspexError',
  'SignatureError',
  'DecoratorUsageError',
  'ParameterValidationError',
  'AdapterParseError',
  'OutputValidationError',
  'LMHttpError',
  'LMTimeoutError',
  'ModuleCrashedError',
  'SupervisorEscalationError',
  'ModuleExit',
  'HotSwapError',
  'Tool',
  'ReAct',
  'BestOfN',
  'Refine',
  'Parallel',
  'MultiChainComparison',
  'majority',
  'Supervisor',
  'MemoryCheckpointStore',
  'FileCheckpointStore',
  'RedisCheckpointStore',
  'RedisParameterStore',
  'Cluster',
  'ChildOverloadedError',
  'ClusterUnavailableError',
  'Evaluate',
  'answerExactMatch',
  'answerPassageMatch',
  'LabeledFewShot',
  'BootstrapFewShot',
  'BootstrapFewShotWithRandomSearch',
  'KNNFewShot',
  'Ensemble',
  'ParameterSearch',
  'GEPA',
  'COPRO',
  'MIPROv2',
  'streamify',
  'StreamChunk',
  'StatusMessage',
  'StatusMessageProvider',
  'StreamListener',
];

describe('public API', () => {
  const exported = Object.keys(dspex);

  it('exports only names API.md gives, or error classes', () => {
    const names = apiNames();
    const isErrorClass = (name: string): boolean => {
      const value = (dspex as Record<string, unknown>)[name];
      return value === DspexError || (typeof value === 'function' && value.prototype instanceof DspexError);
    };
    expect(exported.filter((name) => !names.has(name) && !isErrorClass(name))).toEqual([]);
  });

  it('exports every API.md name of the parts built so far', () => {
    expect(BUILT.filter((name) => !exported.includes(name))).toEqual([]);
  });

  it('has one error class per code, each with its code', () => {
    const errorClasses = exported
      .map((name) => (dspex as Record<string, unknown>)[name])
      .filter((value): value is typeof DspexError => typeof value === 'function' && value.prototype instanceof DspexError);
    expect(errorClasses.length).toBeGreaterThan(20);
    for (const ErrorClass of errorClasses) {
      const instance =
        ErrorClass.name === 'LMHttpError'
          ? new (ErrorClass as never as new (m: string, o: object) => DspexError)('x', { status: 500 })
          : new (ErrorClass as never as new (m: string) => DspexError)('x');
      expect(DspexError.is(instance)).toBe(true);
      expect(instance.name).toBe(ErrorClass.name);
      expect(instance.code).toMatch(/^[A-Z_]+$/);
    }
  });

  it('keeps VERSION equal to package.json', () => {
    expect(VERSION).toBe(packageJson.version);
  });
});
