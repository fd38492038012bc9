import { Writable } from 'node:stream';
import pino from 'pino';
import { createOptimizerProgress } from '../../lib/optimizers/optimizer-progress';

/** A stream that keeps what is written; `isTTY` makes it look like a terminal. */
function sink(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  }) as Writable & { isTTY: boolean; text: () => string };
  stream.isTTY = isTTY;
  stream.text = () => chunks.join('');
  return stream;
}

describe('createOptimizerProgress', () => {
  it('draws a bar with the best score on a terminal, and writes no log records', () => {
    const logs = sink(false);
    const terminal = sink(true);
    const progress = createOptimizerProgress({ isEnabled: true, total: 4, label: 'MIPROv2', log: pino(logs), stream: terminal });
    progress.step(1, 40);
    progress.step(4, 72.5);
    progress.stop();
    expect(terminal.text()).toContain('MIPROv2');
    expect(terminal.text()).toContain('best 72.5');
    expect(logs.text()).toBe('');
  });

  it('writes one pino info record per step elsewhere (no control characters)', () => {
    const logs = sink(false);
    const pipe = sink(false);
    const progress = createOptimizerProgress({ isEnabled: true, total: 3, label: 'COPRO', log: pino(logs), stream: pipe });
    progress.step(1, undefined, { depth: 0 });
    progress.step(2, 55);
    progress.stop();
    const records = logs
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      expect.objectContaining({ msg: 'optimizer step', step: 1, total: 3, depth: 0, level: 30 }),
      expect.objectContaining({ msg: 'optimizer step', step: 2, total: 3, bestScore: 55 }),
    ]);
    expect(pipe.text()).toBe('');
  });
});
