/** One chat message, as OpenAI-compatible APIs and DSPy's adapters use them. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}
