import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../../lib/errors/error-codes';

describe('docs/errors.md', () => {
  const text = readFileSync(path.join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');

  it.each(ERROR_CODES.map((code) => [code]))('documents %s', (code) => {
    expect(text).toContain(`| \`${code}\` |`);
  });
});
