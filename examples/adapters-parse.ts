import { AdapterParseError, ChatAdapter, JSONAdapter } from 'dspex';

/** Parsing turns a reply into typed output fields; a reply that does not fit is an AdapterParseError. */
export async function main(): Promise<void> {
  const signature = 'question -> answer: int, sources: list[str]';

  const chat = new ChatAdapter();
  console.log(chat.parse(signature, '[[ ## answer ## ]]\n4\n\n[[ ## sources ## ]]\n["arithmetic"]\n\n[[ ## completed ## ]]'));
  // { answer: 4, sources: [ 'arithmetic' ] }

  const json = new JSONAdapter();
  console.log(json.parse(signature, 'Here you go: {"answer": "4", "sources": []}')); // { answer: 4, sources: [] }

  try {
    chat.parse(signature, '[[ ## answer ## ]]\nfour');
  } catch (error) {
    if (!(error instanceof AdapterParseError)) throw error;
    console.log(error.code, error.fields); // ADAPTER_PARSE [ 'answer' ]
  }
}

if (require.main === module) void main();
