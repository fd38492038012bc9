import { ConfigurationError, describeProblem, describeValue } from '../errors';
import type { Logger } from '../logging/logger';
import type { ModuleRef, ModuleRefStatus } from './module-ref';
import { REGISTRY_EVENT_TYPES, type RegistryEvent, type RegistryEventMap, type RegistryEventType, type RegistryListener } from './registry-event';

/** One row of `registry.list()`. */
export interface ChildSummary {
  readonly id: string;
  readonly version: string;
  readonly status: ModuleRefStatus;
  readonly restarts: number;
}

/** A supervisor's directory of children and its event feed. */
export interface Registry {
  /** The child's ref, or undefined when no child has that id. */
  lookup(id: string): ModuleRef | undefined;
  /** Every child, in start order. */
  list(): ChildSummary[];
  /**
   * Calls `listener` for each event of `type`; returns the unsubscribe function.
   * @throws {ConfigurationError} CONFIGURATION_INVALID for an unknown event name.
   */
  on<Type extends RegistryEventType>(type: Type, listener: RegistryListener<Type>): () => void;
}

/** What the registry reads from the supervisor's children. */
export interface RegistryEntry {
  readonly ref: ModuleRef;
  summary(): ChildSummary;
}

/** The supervisor's registry: reads its children, and delivers events to listeners. */
export class ChildRegistry implements Registry {
  readonly #entries: ReadonlyMap<string, RegistryEntry>;
  readonly #listeners = new Map<RegistryEventType, Set<(event: RegistryEvent) => void>>();
  readonly #log: Logger;

  constructor(entries: ReadonlyMap<string, RegistryEntry>, log: Logger) {
    this.#entries = entries;
    this.#log = log;
  }

  lookup(id: string): ModuleRef | undefined {
    return this.#entries.get(id)?.ref;
  }

  list(): ChildSummary[] {
    return [...this.#entries.values()].map((entry) => entry.summary());
  }

  on<Type extends RegistryEventType>(type: Type, listener: RegistryListener<Type>): () => void {
    if (!REGISTRY_EVENT_TYPES.includes(type)) {
      throw new ConfigurationError(describeProblem('Unknown registry event.', describeValue(type), `Listen to one of ${REGISTRY_EVENT_TYPES.join(', ')}.`));
    }
    if (typeof listener !== 'function') {
      throw new ConfigurationError(describeProblem('registry.on needs a listener function.', describeValue(listener), 'Pass (event) => { … }.'));
    }
    let listeners = this.#listeners.get(type);
    if (listeners === undefined) {
      listeners = new Set();
      this.#listeners.set(type, listeners);
    }
    const stored = listener as (event: RegistryEvent) => void;
    listeners.add(stored);
    return () => {
      listeners.delete(stored);
    };
  }

  /** Delivers `event` to its listeners; a listener that throws is logged and never disturbs supervision. */
  emit<Type extends RegistryEventType>(event: RegistryEventMap[Type] & { type: Type }): void {
    const listeners = this.#listeners.get(event.type);
    if (listeners === undefined) return;
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.#log.error({ err: error, event: event.type, child: event.id }, 'registry listener threw');
      }
    }
  }
}
