import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rateMeter } from '../../src/cli/meter.js';

/** A stream that keeps what is written; `tty` makes it look like a terminal. */
function capture(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream & Record<string, unknown>;
  if (tty)
    Object.assign(stream, {
      isTTY: true,
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
  return { stream, text: () => text };
}

describe('the progress meter', () => {
  it('prints a plain line at every tenth with records, records per second and an ETA off a terminal', () => {
    const { stream, text } = capture(false);
    const meter = rateMeter('importing', stream);
    for (let done = 0; done <= 1000; done += 50) meter.update({ done, total: 1000, records: done * 3 });
    meter.stop();
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    for (const line of lines) expect(line).toMatch(/^ {2}importing \d+% \| \d+ records \| \d+ records\/s \| ETA \S+$/);
    expect(lines[0]).toMatch(/^ {2}importing 0% \| 0 records \| 0 records\/s \| ETA \?$/);
    expect(lines.at(-1)).toMatch(/^ {2}importing 100% \| 3000 records \| \d+ records\/s \| ETA 0s$/);
  });

  it('draws a bar with the rate and the ETA on a terminal', () => {
    const { stream, text } = capture(true);
    const meter = rateMeter('exporting', stream);
    meter.update({ done: 1, total: 4, records: 10 });
    meter.update({ done: 4, total: 4, records: 40 });
    meter.stop();
    expect(text()).toContain('exporting [');
    expect(text()).toMatch(/100% \| 40 records \| \d+ records\/s \| ETA 0s/);
  });
});
