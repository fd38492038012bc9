import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { DspexError, Example, Module, Parameter, Predict, Prediction } from '../../lib';
import { assertProperty, isPrototypeClean, onlyDspexErrors, onlyDspexErrorsAsync, prototypeSnapshot } from '../helpers/property-check';

const RUNS = 400;
const FILE_RUNS = 150;

class Program extends Module {
  @Parameter() @IsInt() @Min(1) @Max(20) k = 3;
  @Parameter() @IsOptional() label: string | null = 'base';
  @Parameter() settings: unknown = { mode: 'fast' };
  answer = new Predict('question -> answer: int');

  async forward(): Promise<Prediction> {
    return new Prediction({});
  }
}

function freshProgram(): Program {
  const program = new Program();
  program.answer.demos = [new Example({ question: 'q', answer: 1 })];
  return program;
}

/** Everything loadState can change, as one comparable string. */
function observable(program: Program): string {
  return JSON.stringify({ state: program.dumpState(), k: program.k, label: program.label, settings: program.settings, demos: program.answer.demos.length });
}

const KEYS = [
  'answer',
  'parameters',
  'metadata',
  'demos',
  'traces',
  'train',
  'signature',
  'lm',
  'instructions',
  'fields',
  'prefix',
  'description',
  'k',
  'label',
  'settings',
  'model',
  'api_base',
  'base_url',
  'headers',
  'num_retries',
  'cache',
  'temperature',
  '__proto__',
  'constructor',
  'prototype',
];

/** JSON text from a grammar biased to the state layout (keys such as "__proto__" stay own keys once parsed). */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }).map((value) => JSON.stringify(value)),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('value')), { maxLength: 5 })
      .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
  ),
})).value;

/** A valid dumped state with one spot replaced by arbitrary JSON: close to what a tampered file holds. */
const mutatedState = fc.tuple(jsonText, fc.nat(), fc.boolean()).map(([replacement, pick, asParameter]) => {
  const state = JSON.parse(JSON.stringify(freshProgram().dumpState())) as Record<string, unknown>;
  const spots: [Record<string, unknown>, string][] = [];
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    for (const key of Object.keys(value)) {
      spots.push([value as Record<string, unknown>, key]);
      walk((value as Record<string, unknown>)[key]);
    }
  };
  walk(state);
  const [holder, key] = asParameter ? [state.parameters as Record<string, unknown>, ['k', 'label', 'settings'][pick % 3]] : spots[pick % spots.length];
  Object.defineProperty(holder, key, { value: JSON.parse(replacement), enumerable: true, writable: true, configurable: true });
  return JSON.stringify(state);
});

const deepState = fc.tuple(fc.integer({ min: 95, max: 3_000 }), fc.constantFrom('traces', 'demos', 'parameters')).map(([depth, where]) => {
  const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const state = JSON.stringify(freshProgram().dumpState());
  return where === 'parameters'
    ? state.replace('"settings":{', `"settings":{"x":${deep},`)
    : state.replace(`"${where}":[`, `"${where}":[${deep}${where === 'demos' ? ',' : ''}`);
});

const stateText = fc.oneof(jsonText, mutatedState, deepState);

function checkLoad(program: Program, result: unknown, before: string, snapshot: string): void {
  if (DspexError.is(result)) {
    expect(result.code).toBe('STATE_INVALID');
    expect(observable(program)).toBe(before);
  } else {
    // Whatever was accepted saves and loads back unchanged.
    const saved = JSON.stringify(program.dumpState());
    expect(
      JSON.stringify(
        freshProgram()
          .loadState(JSON.parse(saved) as Record<string, unknown>)
          .dumpState(),
      ),
    ).toBe(saved);
  }
  expect(isPrototypeClean(snapshot)).toBe(true);
}

let directory: string;
beforeAll(async () => {
  directory = await fs.mkdtemp(path.join(os.tmpdir(), 'dspex-load-property-'));
});
afterAll(async () => {
  await fs.rm(directory, { recursive: true, force: true });
});

describe('Module.loadState (property)', () => {
  it(`applies any JSON state whole or throws STATE_INVALID leaving the module unchanged (${RUNS} runs)`, () => {
    const snapshot = prototypeSnapshot();
    assertProperty(
      fc.property(stateText, (text) => {
        const program = freshProgram();
        const before = observable(program);
        checkLoad(
          program,
          onlyDspexErrors(() => program.loadState(JSON.parse(text) as Record<string, unknown>)),
          before,
          snapshot,
        );
      }),
      RUNS,
    );
  });
});

describe('Predict.loadState (property)', () => {
  it(`applies any JSON predictor state whole or throws STATE_INVALID leaving it unchanged (${RUNS} runs)`, () => {
    const snapshot = prototypeSnapshot();
    assertProperty(
      fc.property(stateText, (text) => {
        const program = freshProgram();
        const parsed = JSON.parse(text) as unknown;
        const predictState = parsed !== null && typeof parsed === 'object' && 'answer' in parsed ? (parsed as { answer: unknown }).answer : parsed;
        const before = JSON.stringify(program.answer.dumpState());
        const result = onlyDspexErrors(() => program.answer.loadState(predictState as Record<string, unknown>));
        if (DspexError.is(result)) {
          expect(result.code).toBe('STATE_INVALID');
          expect(JSON.stringify(program.answer.dumpState())).toBe(before);
        }
        expect(isPrototypeClean(snapshot)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('Module.load (property)', () => {
  it(`reads any file whole or throws STATE_INVALID leaving the module unchanged (${FILE_RUNS} runs)`, async () => {
    const snapshot = prototypeSnapshot();
    const file = path.join(directory, 'program.json');
    const fileText = fc.oneof(
      stateText,
      fc.string({ maxLength: 200, unit: 'binary' }),
      stateText.map((text) => text.slice(0, Math.floor(text.length / 2))),
    );
    await assertProperty(
      fc.asyncProperty(fileText, async (text) => {
        await fs.writeFile(file, text);
        const program = freshProgram();
        const before = observable(program);
        checkLoad(program, await onlyDspexErrorsAsync(() => program.load(file)), before, snapshot);
      }),
      FILE_RUNS,
    );
  });
});
