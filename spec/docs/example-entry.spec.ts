import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Every example does its work when its compiled file is run with node
 * (`npm run build && npm run build:examples`, then `node dist-examples/examples/x.js`):
 * it exports the `main` that spec/docs/examples.spec.ts runs, and calls it when it is the entry module.
 * Helpers that are not examples live outside examples/ (the demo's in demo/).
 */
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const examples = readdirSync(EXAMPLES).filter((entry) => entry.endsWith('.ts'));

describe('example files', () => {
  it('are there', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)('%s exports main and runs it when run directly', (entry) => {
    const source = readFileSync(path.join(EXAMPLES, entry), 'utf8');
    expect(source).toMatch(/^export async function main\(/m);
    expect(source).toMatch(/^if \(require\.main === module\)/m);
  });
});
