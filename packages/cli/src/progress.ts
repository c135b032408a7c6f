// A progress bar on stderr, only on a terminal and never with --json output
// going to a pipe: scripts get clean streams.
import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number, total: number, label?: string): void;
  /** Writes a line of text to stderr, above the bar while one shows. */
  log(line: string): void;
  stop(): void;
}

const silent: Progress = { update: () => {}, log: (line) => void process.stderr.write(`${line}\n`), stop: () => {} };

export function progressBar(unit: string): Progress {
  if (!process.stderr.isTTY) return silent;
  const bar = new cliProgress.SingleBar(
    { format: `{bar} {percentage}% | {value}/{total} ${unit} | {label}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let last = { value: 0, total: 0, label: '' };
  return {
    update(value, total, label = '') {
      last = { value, total, label };
      if (!started) {
        bar.start(total, value, { label });
        started = true;
      }
      bar.setTotal(total);
      bar.update(value, { label });
    },
    log(line) {
      if (!started) return void process.stderr.write(`${line}\n`);
      bar.stop(); // clears the bar's line
      process.stderr.write(`${line}\n`);
      bar.start(last.total, last.value, { label: last.label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
