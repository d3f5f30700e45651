import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPOSITORY_ROOT, runCli } from "../cli/run-cli.js";

const CONFIG = join(REPOSITORY_ROOT, "configs/mnist-cnn.yaml");
const scratch = (): string => mkdtempSync(join(tmpdir(), "qhybrid-train-"));
const common = (output: string): string[] => [
  "--limit", "500",
  "--set", `output.dir=${output}`,
  "--set", "training.batchSize=25",
  "--set", "model.dropout=0.2",
  "--set", "eval.batchSize=1000",
];

function onlyRun(output: string, experiment = "mnist-cnn"): string {
  const runs = readdirSync(join(output, experiment));
  assert.equal(runs.length, 1);
  return join(output, experiment, runs[0]);
}

/** Everything a run learned: final weights and optimiser state, and the per-epoch numbers that do not depend on wall time. */
function outcome(run: string): { weights: Buffer; optimizer: Buffer; metrics: unknown[] } {
  const latest = JSON.parse(readFileSync(join(run, "checkpoints/latest.json"), "utf8")).folder;
  const metrics = readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n").map((line) => {
    const { seconds: _s, samplesPerSecond: _r, ...rest } = JSON.parse(line);
    return rest;
  });
  return {
    weights: readFileSync(join(run, "checkpoints", latest, "weights.bin")),
    optimizer: readFileSync(join(run, "checkpoints", latest, "optimizer.bin")),
    metrics,
  };
}

describe("qhybrid train", () => {
  it("trains the small CNN on a slice of real MNIST: the loss falls and the run directory is complete", () => {
    const output = scratch();
    const result = runCli(["train", CONFIG, ...common(output), "--epochs", "2", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const [summary] = JSON.parse(result.stdout);
    assert.equal(summary.dataset.train, 450);
    assert.equal(summary.dataset.test, 10000);
    assert.ok(summary.test.accuracy > 0.5, `test accuracy ${summary.test.accuracy}`);
    const run = onlyRun(output);
    for (const file of ["config.yaml", "metrics.jsonl", "summary.json", "report.md", "env.json", "eval/eval.json", "eval/report.md", "checkpoints/best/model.json"]) {
      assert.ok(existsSync(join(run, file)), `${file} exists`);
    }
    const epochs = readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(epochs.length, 2);
    assert.ok(epochs[1].loss < epochs[0].loss, `loss ${epochs[0].loss} → ${epochs[1].loss}`);
    assert.match(readFileSync(join(run, "config.yaml"), "utf8"), /# --set training.batchSize=25/);
  });

  it("resuming a run for more epochs ends exactly where an uninterrupted run does", () => {
    const straight = scratch();
    assert.equal(runCli(["train", CONFIG, ...common(straight), "--epochs", "2"]).status, 0);
    const resumed = scratch();
    assert.equal(runCli(["train", CONFIG, ...common(resumed), "--epochs", "1"]).status, 0);
    const result = runCli(["train", "--resume", onlyRun(resumed), "--epochs", "2"]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(outcome(onlyRun(resumed)), outcome(onlyRun(straight)));
  });

  it("Ctrl-C in the middle of an epoch saves, exits 130, and --resume finishes as if never stopped", async () => {
    const straight = scratch();
    assert.equal(runCli(["train", CONFIG, ...common(straight), "--epochs", "1"]).status, 0);
    const interrupted = scratch();
    const child = spawn(process.execPath, ["--import", "tsx", join(REPOSITORY_ROOT, "src/cli/main.ts"), "train", CONFIG, ...common(interrupted), "--epochs", "1"], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      // The first progress line comes after about a tenth of the epoch's batches.
      if (/\d+\/18 batches/.test(stderr) && !child.killed) child.kill("SIGINT");
    });
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.equal(status, 130, stderr);
    assert.match(stderr, /interrupted; the run is saved and continues with: qhybrid train --resume /);
    const run = onlyRun(interrupted);
    assert.ok(readdirSync(join(run, "checkpoints")).some((name) => /^epoch-0000-step-\d+$/.test(name)));
    const result = runCli(["train", "--resume", run]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(outcome(run), outcome(onlyRun(straight)));
  });

  it("a config error stops before any run directory is created", () => {
    const output = scratch();
    const result = runCli(["train", CONFIG, "--set", `output.dir=${output}`, "--set", "training.optimizer.name=adagrad"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^qhybrid: error: --set training.optimizer.name=adagrad: training.optimizer.name: expected one of "adam", "adamw", "sgd", got "adagrad"\n$/);
    assert.deepEqual(readdirSync(output), []);
  });
});
