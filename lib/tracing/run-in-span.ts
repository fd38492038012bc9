import { SpanStatusCode, trace, type Attributes, type Span, type SpanKind, type Tracer } from '@opentelemetry/api';
import { DspexError } from '../errors';
import { getRootLogger, type Logger } from '../logging/logger';
import { parentContext, runInTraceScope } from './trace-scope';

/** What a span is called and what it records; the detail functions run only for a recording span. */
export interface SpanPlan<T> {
  readonly name: string;
  readonly kind?: SpanKind;
  /** Cheap attributes known before the call, given to the sampler. */
  readonly attributes?: Attributes;
  /** Attributes that take work to build (only called when the span records). */
  readonly detail?: () => Attributes;
  /** Attributes read from the call's result. */
  readonly onSuccess?: (span: Span, result: Awaited<T>) => void;
  /** Attributes read from the call's failure, beside `error.type` and the exception event. */
  readonly onFailure?: (span: Span, error: unknown) => void;
}

/**
 * Runs `run` inside a new span, a child of the current dspex or OpenTelemetry span, that is the
 * parent of every span started while `run` (and what it awaits) runs. The span ends when `run`
 * returns, or when its promise settles; a throw or rejection marks it failed and is rethrown as is.
 */
export function runInSpan<T>(tracer: Tracer, plan: SpanPlan<T>, run: () => T): T {
  const parent = parentContext();
  const span = tracer.startSpan(plan.name, { kind: plan.kind, attributes: plan.attributes }, parent);
  const isRecording = span.isRecording();
  const { detail } = plan;
  if (isRecording && detail !== undefined) guard(() => span.setAttributes(detail()));
  let result: T;
  try {
    result = runInTraceScope(trace.setSpan(parent, span), run);
  } catch (error) {
    fail(span, isRecording, plan, error);
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value: Awaited<T>) => {
        succeed(span, isRecording, plan, value);
        return value;
      },
      (error: unknown) => {
        fail(span, isRecording, plan, error);
        throw error;
      },
    ) as T;
  }
  succeed(span, isRecording, plan, result as Awaited<T>);
  return result;
}

function succeed<T>(span: Span, isRecording: boolean, plan: SpanPlan<T>, result: Awaited<T>): void {
  if (isRecording) guard(() => plan.onSuccess?.(span, result));
  span.end();
}

function fail<T>(span: Span, isRecording: boolean, plan: SpanPlan<T>, error: unknown): void {
  if (isRecording) {
    guard(() => {
      span.setAttribute('error.type', errorType(error));
      plan.onFailure?.(span, error);
      if (error instanceof Error) span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    });
  }
  span.end();
}

let log: Logger | undefined;

/** Reading a result for attributes must never change the call's outcome: what cannot be read is left out, and logged. */
function guard(describe: () => void): void {
  try {
    describe();
  } catch (error) {
    log ??= getRootLogger().child({ component: 'tracing' });
    log.debug({ err: error }, 'span attributes could not be read; left out');
  }
}

/**
 * The semantic conventions' `error.type`: a low-cardinality class of the error. dspex errors
 * give their stable `code` (`LM_HTTP`, `ADAPTER_PARSE`, …), other errors their name.
 */
export function errorType(error: unknown): string {
  if (DspexError.is(error)) return error.code;
  if (error instanceof Error) return error.name;
  return '_OTHER';
}
