/**
 * How a higher layer observes module calls without `primitives` importing it (STYLE §3):
 * `settings` registers the hook that fires the `onModuleStart`/`onModuleEnd` callbacks.
 */
export type ModuleCallHook = (module: object, inputs: Readonly<Record<string, unknown>>, run: () => Promise<unknown>) => Promise<unknown>;

let hook: ModuleCallHook | undefined;

/** Called once by lib/settings when loaded. Internal. */
export function registerModuleCallHook(moduleCallHook: ModuleCallHook): void {
  hook = moduleCallHook;
}

/** Runs one module call through the registered hook (or directly when none is registered). */
export function observeModuleCall(module: object, inputs: Readonly<Record<string, unknown>>, run: () => Promise<unknown>): Promise<unknown> {
  return hook === undefined ? run() : hook(module, inputs, run);
}
