import cliProgress from 'cli-progress';

export interface Progress {
  increment(n?: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** `bytes` shows MiB instead of a count (import reports progress by bytes read). */
  unit?: 'items' | 'bytes';
}

/** Plain lines in CI logs and pipes: often enough to show life, rarely enough not to flood the log. */
const PLAIN_INTERVAL_MS = 2000;

function formatAmount(value: number, unit: 'items' | 'bytes'): string {
  return unit === 'bytes' ? `${(value / 1024 / 1024).toFixed(1)} MiB` : String(value);
}

/**
 * A progress bar on stderr, so stdout stays clean for results. A terminal gets a live bar; anything
 * else (CI, a pipe, a file) gets a plain line at most every two seconds and one at the end.
 */
export function startProgress(label: string, total: number, options: ProgressOptions = {}): Progress {
  const unit = options.unit ?? 'items';
  const stream = process.stderr;
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {shown} | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let value = 0;
    const shown = () => `${formatAmount(value, unit)}/${formatAmount(total, unit)}`;
    bar.start(total, 0, { shown: shown() });
    return {
      increment(n = 1) {
        value += n;
        bar.update(value, { shown: shown() });
      },
      stop() {
        bar.update(value, { shown: shown() });
        bar.stop();
      },
    };
  }

  let value = 0;
  let lastPrinted = Date.now();
  const started = lastPrinted;
  const line = () => {
    const pct = total > 0 ? Math.floor((value / total) * 100) : 100;
    return `${label}: ${formatAmount(value, unit)}/${formatAmount(total, unit)} (${pct}%)`;
  };
  return {
    increment(n = 1) {
      value += n;
      const now = Date.now();
      if (now - lastPrinted >= PLAIN_INTERVAL_MS) {
        lastPrinted = now;
        stream.write(`${line()}\n`);
      }
    },
    stop() {
      stream.write(`${line()} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}

/** For callers that were asked not to show progress (tests, library use). */
export const noProgress: Progress = { increment() {}, stop() {} };

/** Prints a result as aligned `key: value` lines on stdout. */
export function printSummary(lines: Record<string, string | number>): void {
  const width = Math.max(0, ...Object.keys(lines).map((k) => k.length));
  for (const [key, value] of Object.entries(lines)) console.log(`${`${key}:`.padEnd(width + 1)} ${value}`);
}
