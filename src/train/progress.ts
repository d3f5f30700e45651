// SPDX-License-Identifier: MIT
/**
 * @module train/progress
 * Progress of a training run on stderr: a cli-progress bar per epoch on an interactive
 * terminal; plain lines (one per epoch, and every ~10% of an epoch) when stderr is not a
 * TTY, or CI or NO_COLOR is set, or --json asked for machine output on stdout.
 */
import cliProgress from "cli-progress";

export interface StepStatus {
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
}

export interface ProgressReporter {
  startEpoch(label: string, epoch: number, epochs: number, steps: number): void;
  step(done: number, status: StepStatus): void;
  endEpoch(line: string): void;
  message(line: string): void;
}

export function interactive(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI && !("NO_COLOR" in process.env);
}

export function createProgressReporter(options: { quiet?: boolean } = {}): ProgressReporter {
  const write = (line: string): void => void process.stderr.write(`${line}\n`);
  if (options.quiet) return { startEpoch() {}, step() {}, endEpoch() {}, message() {} };
  if (!interactive()) {
    let steps = 0;
    let prefix = "";
    let nextReport = 0;
    return {
      startEpoch(label, epoch, epochs, total) {
        steps = total;
        prefix = `${label} epoch ${epoch}/${epochs}`;
        nextReport = Math.max(1, Math.ceil(total / 10));
      },
      step(done, status) {
        if (done >= nextReport && done < steps) {
          write(`${prefix}: ${done}/${steps} batches, loss ${status.loss.toFixed(4)}, accuracy ${status.accuracy.toFixed(4)}, ${Math.round(status.samplesPerSecond)} samples/s`);
          nextReport += Math.max(1, Math.ceil(steps / 10));
        }
      },
      endEpoch: write,
      message: write,
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    startEpoch(label, epoch, epochs, total) {
      bar = new cliProgress.SingleBar(
        {
          format: `${label} epoch ${epoch}/${epochs} [{bar}] {value}/{total} | loss {loss} | acc {accuracy} | {speed} samples/s | ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { loss: "-", accuracy: "-", speed: "-" });
    },
    step(done, status) {
      bar?.update(done, { loss: status.loss.toFixed(4), accuracy: status.accuracy.toFixed(4), speed: Math.round(status.samplesPerSecond) });
    },
    endEpoch(line) {
      bar?.stop();
      bar = undefined;
      write(line);
    },
    message(line) {
      if (bar) bar.stop();
      write(line);
    },
  };
}
