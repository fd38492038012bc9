import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatAdapter } from '../../lib/adapters/chat-adapter';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { Signature } from '../../lib/signatures/signature';

interface CollectionsFixture {
  signature: string;
  instructions: string;
  messages: ChatMessage[];
  reply: string;
  parsed: Record<string, unknown>;
}

// DSPy's own ChatAdapter.format and parse for tuple/set/frozenset fields (sets listed sorted); from spec/fixtures/signatures/generate.py.
const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/signatures/dspy-collections.json'), 'utf8')) as CollectionsFixture;

describe('ChatAdapter with tuple[...] and set[...] fields', () => {
  const signature = Signature.parse(fixture.signature, fixture.instructions);
  const adapter = new ChatAdapter();

  it('formats the prompt byte for byte as DSPy does', () => {
    expect(adapter.format(signature, [], { q: 'x' })).toEqual(fixture.messages);
  });

  it('parses a reply into what DSPy parses (tuples as arrays, sets as arrays without repeats)', () => {
    expect(adapter.parse(signature, fixture.reply)).toEqual(fixture.parsed);
  });

  it('refuses a tuple of the wrong length and a set member of the wrong type', () => {
    const pair = Signature.parse('q -> a: tuple[int, str]');
    expect(() => adapter.parse(pair, '[[ ## a ## ]]\n[1, "x", 3]')).toThrow(expect.objectContaining({ code: 'ADAPTER_PARSE' }));
    expect(() => adapter.parse(pair, '[[ ## a ## ]]\n[1]')).toThrow(expect.objectContaining({ code: 'ADAPTER_PARSE' }));
    expect(() => adapter.parse(Signature.parse('q -> a: set[int]'), '[[ ## a ## ]]\n[1, "x"]')).toThrow(expect.objectContaining({ code: 'ADAPTER_PARSE' }));
  });

  it('reads a Python tuple literal for a tuple field', () => {
    expect(adapter.parse(Signature.parse('q -> a: tuple[int, str]'), "[[ ## a ## ]]\n(1, 'x')")).toEqual({ a: [1, 'x'] });
  });
});
