import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPOSITORY_ROOT, runCli } from "../cli/run-cli.js";

// Tiny trials (~2 s each): 100 training and 100 validation images of real MNIST, evaluated on
// the validation split instead of the 10,000 test images.
const TINY = `base: ${join(REPOSITORY_ROOT, "configs/mnist-cnn.yaml")}
set:
  data.limit: 200
  data.validationFraction: 0.5
  training.batchSize: 50
  eval.split: validation
  model.channels: [4, 8]
  model.dense: [16]
`;

function sweep(axes: string): { file: string; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "qhybrid-sweep-run-"));
  const output = join(dir, "out");
  const file = join(dir, "sweep.yaml");
  writeFileSync(file, `${TINY}${axes}output: ${output}\n`);
  return { file, output };
}

interface RunJson {
  counts: { trials: number; finished: number; alreadyFinished: number; failed: number; interrupted: number };
  trials: { id: string; status: string; error?: string; log?: string }[];
}

/** The run directories a trial's folder holds (one per attempt that got as far as training). */
function runDirectories(output: string, id: string): string[] {
  const experiment = join(output, "trials", id, "runs", "mnist-cnn");
  return existsSync(experiment) ? readdirSync(experiment).map((name) => join(experiment, name)) : [];
}

function sweepRun(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPOSITORY_ROOT, "src/cli/main.ts"), "sweep", "run", ...args, "--backend", "wasm", "--json"], { cwd: REPOSITORY_ROOT, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("qhybrid sweep run", () => {
  it("records a failing trial with its error and log and still runs the others (exit 1)", () => {
    const { file, output } = sweep("seeds: [1, 2]\ninclude:\n  - {model.weights: /nonexistent/model.json}\n");
    const result = runCli(["sweep", "run", file, "--parallel", "2", "--backend", "wasm", "--json"], { timeoutMs: 120_000 });
    assert.equal(result.status, 1, result.stderr);
    const run = JSON.parse(result.stdout) as RunJson;
    assert.deepEqual(run.counts, { trials: 4, finished: 2, alreadyFinished: 0, failed: 2, interrupted: 0 });
    const failed = run.trials.filter((trial) => trial.status === "failed");
    for (const trial of failed) {
      assert.match(trial.error!, /exit code 1: qhybrid: error: model\.weights: \/nonexistent\/model\.json: no such file/);
      assert.ok(existsSync(trial.log!));
      const record = JSON.parse(readFileSync(join(output, "trials", trial.id, "failed.json"), "utf8"));
      assert.equal(record.exitCode, 1);
    }
    for (const trial of run.trials.filter((t) => t.status === "finished")) assert.equal(runDirectories(output, trial.id).length, 1);
    // plan shows the same, and report aggregates what finished.
    const plan = JSON.parse(runCli(["sweep", "plan", file, "--json"]).stdout) as { trials: { status: string }[] };
    assert.deepEqual(plan.trials.map((t) => t.status).sort(), ["failed", "failed", "finished", "finished"]);
    const report = runCli(["sweep", "report", file, "--json"]);
    assert.equal(report.status, 0, report.stderr);
    assert.equal(JSON.parse(report.stdout).rows.length, 2);
  });

  it("resumes a killed sweep without redoing the trials that had finished", async () => {
    const { file, output } = sweep("seeds: [1, 2, 3]\n");
    const plan = JSON.parse(runCli(["sweep", "plan", file, "--json"]).stdout) as { trials: { id: string }[] };
    const ids = plan.trials.map((trial) => trial.id);
    const first = spawn(process.execPath, ["--import", "tsx", join(REPOSITORY_ROOT, "src/cli/main.ts"), "sweep", "run", file, "--backend", "wasm"], { cwd: REPOSITORY_ROOT, stdio: "ignore" });
    const finishedSummary = (id: string): string | undefined => runDirectories(output, id).map((dir) => join(dir, "summary.json")).find(existsSync);
    const deadline = Date.now() + 60_000;
    while (finishedSummary(ids[0]) === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const summary = finishedSummary(ids[0]);
    assert.ok(summary, "the first trial finished");
    // A crash: the runner dies at once, and so does the trial it was running.
    first.kill("SIGKILL");
    await new Promise((resolve) => first.on("exit", resolve));
    for (const id of ids.slice(1)) {
      const lock = join(output, "trials", id, "lock");
      if (!existsSync(lock)) continue;
      const { childPid } = JSON.parse(readFileSync(lock, "utf8")) as { childPid?: number };
      if (childPid !== undefined) {
        try {
          process.kill(childPid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    const before = statSync(summary).mtimeMs;
    const second = await sweepRun([file]);
    assert.equal(second.status, 0, second.stderr);
    const result = JSON.parse(second.stdout) as RunJson;
    assert.equal(result.trials.find((trial) => trial.id === ids[0])!.status, "already-finished");
    assert.equal(result.counts.failed, 0);
    assert.equal(result.counts.finished + result.counts.alreadyFinished, 3);
    assert.equal(statSync(summary).mtimeMs, before, "the finished trial was not run again");
    assert.deepEqual(runDirectories(output, ids[0]), [join(summary, "..")]);
    for (const id of ids) assert.equal(runDirectories(output, id).length, 1, `trial ${id}: one run, no partial leftovers`);
  });

  it("lets two runners share one results folder: every trial runs exactly once", async () => {
    const { file, output } = sweep("seeds: [1, 2, 3, 4]\n");
    const [a, b] = await Promise.all([sweepRun([file]), sweepRun([file])]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    const trained = [a, b].flatMap((run) => (JSON.parse(run.stdout) as RunJson).trials.filter((trial) => trial.status === "finished" && trial.log !== undefined).map((trial) => trial.id));
    assert.equal(trained.length, 4, "each trial trained by one runner");
    assert.equal(new Set(trained).size, 4);
    for (const id of trained) assert.equal(runDirectories(output, id).length, 1);
  });
});
