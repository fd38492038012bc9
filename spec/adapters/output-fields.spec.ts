import { coerceOutputField } from '../../lib/adapters/output-fields';
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
  it('quotes the start of a refused 1 MB list in its message, as its whole JSON starts', () => {
    const raw = [...Array.from({ length: 200_000 }, (_, index) => index), 'x'];
    const message = messageFor('list[int]', raw);
    expect(message).toContain(`Received: ${JSON.stringify(raw).slice(0, 300)}… (array).`);
  });
});
