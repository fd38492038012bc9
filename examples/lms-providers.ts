import { Embedder, LM } from 'dspex';

/** Builds LMs for common providers. Building an LM sends nothing, so this runs offline. */
export async function main(): Promise<void> {
  // OpenAI: the key comes from the OPENAI_API_KEY environment variable (or pass { apiKey }).
  const openai = new LM('openai/gpt-4o-mini', { temperature: 0.7, maxTokens: 1000 });

  // Ollama on this machine (`ollama serve`, `ollama pull llama3.2`): no key needed.
  const ollama = new LM('ollama/llama3.2');

  // Any OpenAI-compatible server (vLLM, llama.cpp's llama-server, LM Studio):
  // keep the `openai/` prefix, give the name the server knows, and pass its URL.
  const vllm = new LM('openai/Qwen/Qwen2.5-7B-Instruct', { baseURL: 'http://localhost:8000/v1' });
  const llamaCpp = new LM('openai/local-model', { baseURL: 'http://localhost:8080/v1', timeoutMs: 120_000 });

  // Another hosted provider: its own prefix, its URL; the key is read from OPENROUTER_API_KEY.
  const openrouter = new LM('openrouter/meta-llama/llama-3.1-8b-instruct', { baseURL: 'https://openrouter.ai/api/v1' });

  // Embedding models use the same prefixes and options.
  const embedder = new Embedder('openai/text-embedding-3-small', { batchSize: 100 });

  for (const lm of [openai, ollama, vllm, llamaCpp, openrouter]) {
    console.log(lm.model, JSON.stringify(lm.options));
  }
  console.log(embedder.model);
  // What a saved program stores for an LM: DSPy's layout, never the API key.
  console.log(JSON.stringify(vllm.dumpState()));
}

if (require.main === module) void main();
