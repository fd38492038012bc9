import { ConfigurationError, describeProblem, describeValue } from '../errors';
import type { Module } from '../primitives/module';
import type { StreamListener } from './stream-listener';

/** Which fields of one predictor stream, and the listeners that asked for them. */
export interface StreamRoute {
  readonly name: string;
  /** The fields to stream on this call of the predictor (a listener without `allowReuse` streams once). */
  fieldsToStream(): ReadonlySet<string>;
  /** A field's last piece went out. */
  ended(field: string): void;
}

type NamedPredictor = ReturnType<Module['namedPredictors']>[number];

function outputNames(predictor: NamedPredictor[1]): string[] {
  return predictor.signature.outputFields.map((field) => field.name);
}

function invalid(problem: string, received: unknown, fix: string, details: Record<string, unknown>): ConfigurationError {
  return new ConfigurationError(describeProblem(problem, typeof received === 'string' ? received : describeValue(received), fix), { details });
}

/** The predictor a listener listens to, as DSPy's `find_predictor_for_stream_listeners` finds it. */
function resolve(listener: StreamListener, predictors: readonly NamedPredictor[]): NamedPredictor {
  const names = predictors.map(([name]) => name);
  let entry: NamedPredictor | undefined;
  if (typeof listener.predictor === 'string') {
    entry = predictors.find(([name]) => name === listener.predictor);
    if (entry === undefined) {
      throw invalid(
        `StreamListener names predictor "${listener.predictor}", which the program does not have.`,
        `predictors ${names.join(', ') || '(none)'}`,
        'Use a name from program.namedPredictors().',
        { field: listener.field, predictor: listener.predictor },
      );
    }
  } else if (listener.predictor !== undefined) {
    entry = predictors.find(([, predictor]) => predictor === listener.predictor);
    if (entry === undefined) {
      throw invalid('StreamListener names a predictor that is not part of the program.', listener.predictor, 'Pass a predictor of the program, or its name.', {
        field: listener.field,
      });
    }
  } else {
    const matches = predictors.filter(([, predictor]) => outputNames(predictor).includes(listener.field));
    if (matches.length !== 1) {
      const problem =
        matches.length === 0
          ? `No predictor of the program has an output field "${listener.field}".`
          : `Output field "${listener.field}" belongs to several predictors, so the listener cannot tell which to stream.`;
      const fix = matches.length === 0 ? 'Check the field name.' : "Name the predictor: new StreamListener({ field, predictor: 'name' }).";
      throw invalid(problem, `predictors ${names.join(', ') || '(none)'}`, fix, { field: listener.field, matches: matches.map(([name]) => name) });
    }
    entry = matches[0];
  }
  if (!outputNames(entry[1]).includes(listener.field)) {
    throw invalid(
      `Predictor "${entry[0]}" has no output field "${listener.field}".`,
      `output fields ${outputNames(entry[1]).join(', ')}`,
      'Listen to one of its output fields.',
      { field: listener.field, predictor: entry[0] },
    );
  }
  return entry;
}

/**
 * Where streamed text goes for one run of `program`: every output field of every predictor
 * without listeners, else the fields the listeners name (each listener checked here).
 * @throws {ConfigurationError} CONFIGURATION_INVALID for a listener whose field or predictor the program lacks, or whose field is ambiguous.
 */
export function streamRoutes(program: Module, listeners: readonly StreamListener[]): Map<object, StreamRoute> {
  const predictors = program.namedPredictors();
  const routes = new Map<object, StreamRoute>();
  if (listeners.length === 0) {
    for (const [name, predictor] of predictors) {
      if (routes.has(predictor)) continue;
      const fields = new Set(outputNames(predictor));
      routes.set(predictor, { name, fieldsToStream: () => fields, ended: () => undefined });
    }
    return routes;
  }
  const byPredictor = new Map<object, { name: string; listeners: StreamListener[] }>();
  for (const listener of listeners) {
    const [name, predictor] = resolve(listener, predictors);
    const entry = byPredictor.get(predictor) ?? { name, listeners: [] };
    entry.listeners.push(listener);
    byPredictor.set(predictor, entry);
  }
  for (const [predictor, { name, listeners: own }] of byPredictor) {
    const finished = new Set<StreamListener>();
    routes.set(predictor, {
      name,
      fieldsToStream: () => new Set(own.filter((listener) => listener.allowReuse || !finished.has(listener)).map((listener) => listener.field)),
      ended: (field) => {
        for (const listener of own) if (listener.field === field) finished.add(listener);
      },
    });
  }
  return routes;
}
