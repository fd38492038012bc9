import { DummyLM, LM, type BaseLM, type DummyAnswer } from 'dspex';

/** Which LM the demo runs on, and a line saying so. */
export interface DemoLM {
  lm: BaseLM;
  description: string;
  isOffline: boolean;
}

/**
 * A real model when one is configured (OPENAI_API_KEY, or DSPEX_LM_BASE_URL + DSPEX_LM_MODEL for a
 * local OpenAI-compatible server such as Ollama), otherwise a scripted offline LM.
 */
export function chooseDemoLM(scriptedAnswers: DummyAnswer[], options: { offline?: boolean } = {}): DemoLM {
  const environment = process.env;
  if (options.offline !== true && environment.DSPEX_LM_BASE_URL && environment.DSPEX_LM_MODEL) {
    const lm = new LM(environment.DSPEX_LM_MODEL, { baseURL: environment.DSPEX_LM_BASE_URL, apiKey: environment.DSPEX_LM_API_KEY, cache: false });
    return { lm, description: `a real model: ${environment.DSPEX_LM_MODEL} at ${environment.DSPEX_LM_BASE_URL}`, isOffline: false };
  }
  if (options.offline !== true && environment.OPENAI_API_KEY) {
    const model = environment.DSPEX_LM_MODEL ?? 'openai/gpt-4o-mini';
    return { lm: new LM(model, { cache: false }), description: `a real model: ${model} (OPENAI_API_KEY is set)`, isOffline: false };
  }
  return {
    lm: new DummyLM(scriptedAnswers),
    description: 'OFFLINE on a scripted LM (DummyLM): no network and no API key needed; the answers are canned',
    isOffline: true,
  };
}
