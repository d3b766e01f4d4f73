import cliProgress from 'cli-progress';

interface MeterReading {
  /** Work done so far, in the unit the ETA is measured in (bytes read, series written). */
  done: number;
  total: number;
  /** Records handled so far, for the rate. */
  records: number;
}

export interface RateMeter {
  update(reading: MeterReading): void;
  stop(): void;
}

const seconds = (s: number): string =>
  !Number.isFinite(s)
    ? '?'
    : s >= 3600
      ? `${(s / 3600).toFixed(1)}h`
      : s >= 60
        ? `${Math.round(s / 60)}m`
        : `${Math.ceil(s)}s`;

/** Records per second so far, and the time left at the pace of `done` so far (`eta` is cli-progress's own token). */
function pace(started: number, { done, total, records }: MeterReading) {
  const elapsed = Math.max((performance.now() - started) / 1000, 1e-3);
  const rate = Math.round(records / elapsed);
  const eta = done > 0 ? ((total - done) * elapsed) / done : Number.POSITIVE_INFINITY;
  return { rate, left: seconds(eta) };
}

/**
 * A redrawn bar with records per second and an ETA on a terminal; elsewhere (CI, pipes, logs) a plain
 * line at every tenth of the way and at the end.
 */
export function rateMeter(label: string, stream: NodeJS.WriteStream = process.stdout): RateMeter {
  const started = performance.now();
  if (stream.isTTY !== true) return lineMeter(label, stream, started);
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `  ${label} [{bar}] {percentage}% | {records} records | {rate} records/s | ETA {left}`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let begun = false;
  return {
    update(reading) {
      const payload = { records: reading.records, ...pace(started, reading) };
      if (!begun) bar.start(Math.max(reading.total, 1), 0, payload);
      begun = true;
      bar.update(reading.done, payload);
    },
    stop: () => bar.stop(),
  };
}

function lineMeter(label: string, stream: NodeJS.WriteStream, started: number): RateMeter {
  let lastTenth = -1;
  return {
    update(reading) {
      const percent = Math.floor((reading.done / Math.max(reading.total, 1)) * 100);
      const tenth = Math.floor(percent / 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      const { rate, left } = pace(started, reading);
      stream.write(`  ${label} ${percent}% | ${reading.records} records | ${rate} records/s | ETA ${left}\n`);
    },
    stop: () => undefined,
  };
}
