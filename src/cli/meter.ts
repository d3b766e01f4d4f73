import cliProgress from 'cli-progress';

export interface StatusMeter {
  update(label: string, done: number, total: number, detail: string): void;
  stop(): void;
}

/** A redrawn bar on a terminal; elsewhere (CI, pipes, logs) a plain line at every tenth of the way. */
export function statusMeter(stream: NodeJS.WriteStream = process.stdout): StatusMeter {
  return stream.isTTY === true ? barView(stream) : lineView(stream);
}

function barView(stream: NodeJS.WriteStream): StatusMeter {
  const bar = new cliProgress.SingleBar(
    { stream, format: '  {label} [{bar}] {percentage}% | {value}/{total} files | {detail}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let current: string | null = null;
  return {
    update(label, done, total, detail) {
      if (current !== label) {
        if (current !== null) bar.stop();
        bar.start(total, 0, { label, detail });
        current = label;
      }
      bar.update(done, { label, detail });
    },
    stop: () => bar.stop(),
  };
}

function lineView(stream: NodeJS.WriteStream): StatusMeter {
  let last = '';
  return {
    update(label, done, total, detail) {
      const tenth = `${label}:${Math.floor((done / Math.max(total, 1)) * 10)}`;
      if (tenth === last) return;
      last = tenth;
      const percent = Math.floor((done / Math.max(total, 1)) * 100);
      stream.write(`  ${label} ${done}/${total} files (${percent}%) ${detail}\n`);
    },
    stop: () => undefined,
  };
}
