import { coerceOutputField } from '../../lib/adapters/output-fields';
import { describeValue } from '../../lib/errors';
import { Signature } from '../../lib';

function messageFor(annotation: string, raw: unknown): string {
  const field = Signature.parse(`question -> answer: ${annotation}`).outputFields[0];
  try {
    coerceOutputField('XMLAdapter', field, raw, 'reply');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the value to be refused');
}

describe('coerceOutputField', () => {
  const sparse: unknown[] = ['a'];
  sparse[400] = 'b';
  const withProto: Record<string, unknown> = {};
  Object.defineProperty(withProto, '__proto__', { value: 'x'.repeat(500), enumerable: true });

  it.each([
    ['a long list', 'list[int]', [...Array.from({ length: 5_000 }, (_, index) => index), 'x']],
    ['a long string in a dict', 'dict[str, int]', { a: 'é😀'.repeat(400) }],
    ['a list with holes', 'list[int]', sparse],
    ['a list holding undefined', 'list[int]', [...Array.from({ length: 400 }, () => 1), undefined, 'x']],
    ['a "__proto__" key', 'dict[str, int]', withProto],
    ['many keys', 'dict[str, int]', Object.fromEntries(Array.from({ length: 1_000 }, (_, index) => [`k${index}`, 'x']))],
  ])('quotes the start of %s as the whole value would be quoted', (_, annotation, raw) => {
    expect(messageFor(annotation, raw)).toContain(`Received: ${describeValue(raw, 300)}.`);
  });
});
