import { trace } from '@opentelemetry/api';
import { activeTracer, TRACER_NAME } from '../../lib/tracing/active-tracer';
import { installTracing } from '../helpers/in-memory-tracing';

afterEach(() => trace.disable());

describe('activeTracer', () => {
  it('is undefined while no tracer provider is registered', () => {
    expect(activeTracer()).toBeUndefined();
  });

  it('follows the registered provider: its tracer once registered, none after disable, the new one after a change', () => {
    const first = installTracing();
    activeTracer()?.startSpan('one').end();
    expect(first.spans().map((span) => [span.name, span.instrumentationScope.name])).toEqual([['one', TRACER_NAME]]);

    first.uninstall();
    expect(activeTracer()).toBeUndefined();

    const second = installTracing();
    activeTracer()?.startSpan('two').end();
    expect(second.spans().map((span) => span.name)).toEqual(['two']);
    expect(first.spans()).toEqual([]);
    second.uninstall();
  });
});
