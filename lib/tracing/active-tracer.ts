import { ProxyTracerProvider, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { VERSION } from '../version';

/** The instrumentation scope name of every span dspex starts. */
export const TRACER_NAME = 'dspex';

/** The provider `@opentelemetry/api` hands out while none is registered. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

let knownProvider: TracerProvider | undefined;
let knownTracer: Tracer | undefined;

/**
 * The dspex tracer of the registered tracer provider, or undefined while none is registered:
 * callers then skip all span work. Called on every observed call, so it costs a global lookup and
 * an identity check; the tracer is looked up again only when the registered provider changes.
 */
export function activeTracer(): Tracer | undefined {
  let provider: TracerProvider = trace.getTracerProvider();
  // The global is a proxy (its delegate is the provider the user registered), possibly from another copy of the API.
  const getDelegate = (provider as { getDelegate?: () => TracerProvider }).getDelegate;
  if (typeof getDelegate === 'function') provider = getDelegate.call(provider);
  if (provider !== knownProvider) {
    knownProvider = provider;
    knownTracer = isNoopProvider(provider) ? undefined : provider.getTracer(TRACER_NAME, VERSION);
  }
  return knownTracer;
}

function isNoopProvider(provider: TracerProvider): boolean {
  // Another copy of @opentelemetry/api has its own no-op instance; its class name gives it away.
  return provider === NOOP_PROVIDER || provider.constructor?.name === 'NoopTracerProvider';
}
