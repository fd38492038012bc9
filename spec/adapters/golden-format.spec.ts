import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatAdapter } from '../../lib/adapters/chat-adapter';
import { JSONAdapter } from '../../lib/adapters/json-adapter';
import { InputField, OutputField } from '../../lib/decorators/field';
import type { ChatMessage } from '../../lib/lm/chat-message';
import { Example } from '../../lib/primitives/example';
import { Signature } from '../../lib/signatures/signature';

interface GoldenFixture {
  source: string;
  messages: ChatMessage[];
}

function golden(name: string): ChatMessage[] {
  const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/adapters', name), 'utf8')) as GoldenFixture;
  return fixture.messages;
}

class Sentiment extends Signature {
  static instructions = 'Classify the sentiment of the review.';
  @InputField({ desc: 'a movie review' }) text!: string;
  @OutputField({ desc: 'overall polarity', type: "Literal['positive', 'negative', 'neutral']" }) sentiment!: string;
}

describe('ChatAdapter.format (DSPy golden prompts)', () => {
  it('matches Example 1 for question -> answer: int with one complete demo', () => {
    const signature = Signature.parse('question -> answer: int');
    const demos = [new Example({ question: 'What is 1+1?', answer: 2 })];

    const messages = new ChatAdapter().format(signature, demos, { question: 'What is 2+2?' });

    expect(messages).toEqual(golden('chat-example-1.json'));
  });

  it('matches Example 2 for ChainOfThought with a complete, an incomplete and a dropped demo', () => {
    const signature = Signature.parse('question -> answer').prepend('reasoning', { kind: 'output' });
    const demos = [
      new Example({ question: 'What is 2+2?', reasoning: '2 plus 2 is 4.', answer: '4' }),
      new Example({ question: 'What is 3+3?', answer: '6' }),
      new Example({ question: 'Only an input, so this demo is dropped' }),
    ];

    const messages = new ChatAdapter().format(signature, demos, { question: 'What is 5+5?' });

    expect(messages).toEqual(golden('chat-example-2.json'));
  });

  it('matches Example 3 for a class-form signature with descriptions and a Literal output', () => {
    const demos = [new Example({ text: 'Loved it', sentiment: 'positive' })];

    const messages = new ChatAdapter().format(Signature.from(Sentiment), demos, { text: 'Boring and long.' });

    expect(messages).toEqual(golden('chat-example-3.json'));
  });

  it('matches the ReAct first-call prompt, with 8-space blank instruction lines and an empty input', () => {
    const expected = golden('chat-react-first-call.json');
    const instructions = expected[0].content
      .split('your objective is: \n')[1]
      .split('\n')
      .map((line) => line.slice(8))
      .join('\n');
    const signature = Signature.parse(
      "question, trajectory -> next_thought, next_tool_name: Literal['search', 'finish'], next_tool_args: dict[str, Any]",
      instructions,
    );

    const messages = new ChatAdapter().format(signature, [], { question: 'What is the capital of France?', trajectory: '' });

    expect(messages).toEqual(expected);
  });

  it('returns the same messages when called again (cached layout and demos)', () => {
    const signature = Signature.parse('question -> answer: int');
    const demos = [new Example({ question: 'What is 1+1?', answer: 2 })];
    const adapter = new ChatAdapter();
    adapter.format(signature, demos, { question: 'warm-up' });

    const messages = new ChatAdapter().format(signature, demos, { question: 'What is 2+2?' });

    expect(messages).toEqual(golden('chat-example-1.json'));
  });

  it('accepts signature text and plain-object demos', () => {
    const messages = new ChatAdapter().format('question -> answer: int', [{ question: 'What is 1+1?', answer: 2 }], { question: 'What is 2+2?' });

    expect(messages).toEqual(golden('chat-example-1.json'));
  });
});

describe('JSONAdapter.format (DSPy golden prompt)', () => {
  it('matches the JSONAdapter example for Optional[int] and dict[str, int] outputs', () => {
    const signature = Signature.parse('document -> year: Optional[int], counts: dict[str, int]');

    const messages = new JSONAdapter().format(signature, [], { document: 'Founded in 1999, it had 3 offices.' });

    expect(messages).toEqual(golden('json-example.json'));
  });
});
