import { Writable } from 'node:stream';
import { averageMetricStatus, createProgressDisplay } from '../../lib/evaluate/progress-display';

/** A writable that says it is a terminal and keeps what was written. */
function fakeTerminal(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  }) as Writable & { isTTY: boolean; columns: number; text: () => string };
  stream.isTTY = isTTY;
  stream.columns = 120;
  stream.text = () => chunks.join('');
  return stream;
}

describe('createProgressDisplay', () => {
  it('draws a bar with the status on a terminal', () => {
    const terminal = fakeTerminal(true);
    const display = createProgressDisplay({ isEnabled: true, total: 4, label: 'Evaluate', stream: terminal });
    display.update(4, averageMetricStatus(3, 4));
    display.stop();
    expect(terminal.text()).toContain('Evaluate');
    expect(terminal.text()).toContain('4/4 Average Metric: 3.00 / 4 (75.0%)');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const pipe = fakeTerminal(false);
    const display = createProgressDisplay({ isEnabled: true, total: 4, label: 'Evaluate', stream: pipe });
    display.update(2, 'half');
    display.stop();
    expect(pipe.text()).toBe('');
  });

  it('writes nothing when disabled', () => {
    const terminal = fakeTerminal(true);
    const display = createProgressDisplay({ isEnabled: false, total: 4, label: 'Evaluate', stream: terminal });
    display.update(2, 'half');
    display.stop();
    expect(terminal.text()).toBe('');
  });

  it('can be stopped twice', () => {
    const terminal = fakeTerminal(true);
    const display = createProgressDisplay({ isEnabled: true, total: 1, label: 'Run', stream: terminal });
    display.stop();
    const written = terminal.text();
    display.stop();
    display.update(1, 'after stop');
    expect(terminal.text()).toBe(written);
  });
});

describe('averageMetricStatus', () => {
  it("words the running score as DSPy's progress bar does", () => {
    expect(averageMetricStatus(2, 3)).toBe('Average Metric: 2.00 / 3 (66.7%)');
    expect(averageMetricStatus(0, 0)).toBe('Average Metric: 0.00 / 0 (0.0%)');
  });
});
