import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, context, trace, type Context, type ContextManager } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type Sampler,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** Records the order in which spans start, so trees print children in call order (start times can tie). */
class StartOrder implements SpanProcessor {
  readonly started: string[] = [];
  onStart(span: Span): void {
    this.started.push(span.spanContext().spanId);
  }
  onEnd(): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** The OpenTelemetry SDK as a user would register it, exporting to memory. */
export interface InMemoryTracing {
  readonly exporter: InMemorySpanExporter;
  /** Finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  /** The one finished span called `name`. */
  span(name: string): ReadableSpan;
  /** The finished span that is the parent of `span`, if any. */
  parentOf(span: ReadableSpan): ReadableSpan | undefined;
  /** Every finished span as an indented tree (children in start order), one line per span. */
  tree(): string[];
  uninstall(): void;
}

/** Registers a `BasicTracerProvider` with an `InMemorySpanExporter` as the global tracer provider. */
export function installTracing(options: { sampler?: Sampler } = {}): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  const order = new StartOrder();
  const provider = new BasicTracerProvider({ sampler: options.sampler, spanProcessors: [order, new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const idOf = (span: ReadableSpan): string => span.spanContext().spanId;
  const parentOf = (span: ReadableSpan): ReadableSpan | undefined => spans().find((candidate) => idOf(candidate) === span.parentSpanContext?.spanId);
  const tree = (): string[] => {
    const all = [...spans()].sort((left, right) => order.started.indexOf(idOf(left)) - order.started.indexOf(idOf(right)));
    const lines: string[] = [];
    const visit = (span: ReadableSpan, depth: number): void => {
      lines.push(`${'  '.repeat(depth)}${span.name}`);
      for (const child of all.filter((candidate) => candidate.parentSpanContext?.spanId === idOf(span))) visit(child, depth + 1);
    };
    for (const root of all.filter((span) => parentOf(span) === undefined)) visit(root, 0);
    return lines;
  };
  return {
    exporter,
    spans,
    span: (name) => {
      const named = spans().filter((span) => span.name === name);
      if (named.length !== 1)
        throw new Error(
          `expected one span "${name}", found ${named.length}: ${spans()
            .map((span) => span.name)
            .join(', ')}`,
        );
      return named[0];
    },
    parentOf,
    tree,
    uninstall: () => {
      trace.disable();
      exporter.reset();
    },
  };
}

/** A context manager on AsyncLocalStorage, as `@opentelemetry/context-async-hooks` provides one (not installed here). */
export class AsyncLocalStorageContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(scope: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.#storage.run(scope, () => fn.apply(thisArg, args));
  }

  bind<T>(_scope: Context, target: T): T {
    return target;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    return this;
  }
}

/** Registers `AsyncLocalStorageContextManager` globally; returns the function that removes it. */
export function installContextManager(): () => void {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return () => context.disable();
}
