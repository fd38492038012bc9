import path from 'node:path';
import type { ChildSpec } from '../../lib/runtime/child-spec';
import type { ModuleRef } from '../../lib/runtime/module-ref';
import type { Registry } from '../../lib/runtime/registry';
import type { RegistryEventMap, RegistryEventType } from '../../lib/runtime/registry-event';
import type { Supervisor } from '../../lib/runtime/supervisor';

/** The compiled JavaScript module the thread specs load in worker threads. */
export const COUNTER_MODULE = path.join(__dirname, '..', 'fixtures', 'threads', 'counter-module.js');

/** Starts the fixture's `Counter` (or `exportName`) as a thread-isolated child. */
export function startCounter(supervisor: Supervisor, spec: Partial<ChildSpec> & { args?: unknown[]; exportName?: string } = {}): Promise<ModuleRef> {
  const { args, exportName, ...rest } = spec;
  return supervisor.startChild({
    id: 'counter',
    isolation: 'thread',
    start: { module: COUNTER_MODULE, export: exportName ?? 'Counter', ...(args !== undefined ? { args } : {}) },
    ...rest,
  });
}

/** Resolves with the next `type` event of `registry`. */
export function nextEvent<T extends RegistryEventType>(registry: Registry, type: T): Promise<RegistryEventMap[T]> {
  return new Promise((resolve) => {
    const off = registry.on(type, (event) => {
      off();
      resolve(event);
    });
  });
}
