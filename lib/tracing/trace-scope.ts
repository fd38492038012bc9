import { AsyncLocalStorage } from 'node:async_hooks';
import { context, trace, type Context } from '@opentelemetry/api';

/**
 * The OpenTelemetry context of the innermost dspex span, carried through every `await` by dspex
 * itself: `@opentelemetry/api` alone has no context manager (the SDK's is an extra package), so
 * without one `context.active()` is always the root and spans would not nest. Entered only while
 * a tracer provider is registered (see docs/decisions/0004-async-scopes.md).
 */
const storage = new AsyncLocalStorage<Context>();

/**
 * The context a new span is a child of: the active OpenTelemetry context when a context manager
 * carries a span there (the user's own spans, or ours under a registered context manager), else
 * the innermost dspex span, else the root.
 */
export function parentContext(): Context {
  const active = context.active();
  if (trace.getSpan(active) !== undefined) return active;
  return storage.getStore() ?? active;
}

/** Runs `fn` with `scope` as the parent of the spans it starts, in dspex's scope and, when a context manager is registered, in OpenTelemetry's. */
export function runInTraceScope<T>(scope: Context, fn: () => T): T {
  return storage.run(scope, () => context.with(scope, fn));
}
