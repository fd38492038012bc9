import type { Callback, CallbackEnd, CallbackStart } from '../settings/callback';
import { StatusMessage, StatusMessageProvider } from './status-message';

type Send = (message: StatusMessage) => void;

/**
 * The callback through which `streamify` turns tool, module and LM calls into status messages
 * (DSPy's `StatusStreamingCallback`). Only the hooks the provider fills in are installed, so a
 * default provider adds work to tool calls only. ReAct's `finish` tool is not announced, as in DSPy.
 */
export function statusCallback(provider: StatusMessageProvider, send: Send): Callback {
  const base = StatusMessageProvider.prototype;
  const emit = (message: string | undefined): void => {
    if (typeof message === 'string' && message !== '') send(new StatusMessage(message));
  };
  const callback: Callback = {
    onToolStart: ({ instance, inputs }: CallbackStart) => {
      if ((instance as { name?: unknown }).name !== 'finish') emit(provider.toolStartStatusMessage(instance, inputs));
    },
    onToolEnd: ({ outputs }: CallbackEnd) => {
      if (outputs !== 'Completed.') emit(provider.toolEndStatusMessage(outputs));
    },
  };
  if (provider.moduleStartStatusMessage !== base.moduleStartStatusMessage) {
    callback.onModuleStart = ({ instance, inputs }: CallbackStart) => emit(provider.moduleStartStatusMessage(instance, inputs));
  }
  if (provider.moduleEndStatusMessage !== base.moduleEndStatusMessage) {
    callback.onModuleEnd = ({ outputs }: CallbackEnd) => emit(provider.moduleEndStatusMessage(outputs));
  }
  if (provider.lmStartStatusMessage !== base.lmStartStatusMessage) {
    callback.onLmStart = ({ instance, inputs }: CallbackStart) => emit(provider.lmStartStatusMessage(instance, inputs));
  }
  if (provider.lmEndStatusMessage !== base.lmEndStatusMessage) {
    callback.onLmEnd = ({ outputs }: CallbackEnd) => emit(provider.lmEndStatusMessage(outputs));
  }
  return callback;
}
