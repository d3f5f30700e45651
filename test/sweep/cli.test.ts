import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPOSITORY_ROOT, runCli } from "../cli/run-cli.js";

function sweepFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "qhybrid-sweep-cli-"));
  const file = join(dir, "s.yaml");
  writeFileSync(file, `${text}output: ${join(dir, "out")}\n`);
  return file;
}

describe("qhybrid sweep (exit codes and --json)", () => {
  it("plan --json lists every trial with its id, overrides, status and folder", () => {
    const file = sweepFile(`base: ${join(REPOSITORY_ROOT, "configs/mnist-cnn.yaml")}\ngrid:\n  training.epochs: [1, 2]\n`);
    const result = runCli(["sweep", "plan", file, "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const plan = JSON.parse(result.stdout);
    assert.deepEqual(plan.axes, ["training.epochs"]);
    assert.deepEqual(plan.trials.map((t: { overrides: unknown; status: string }) => [t.overrides, t.status]), [[{ "training.epochs": 1 }, "pending"], [{ "training.epochs": 2 }, "pending"]]);
    for (const trial of plan.trials) assert.ok(trial.dir.endsWith(join("trials", trial.id)));
  });

  it("a sweep file error exits 2 with one located line and runs nothing", () => {
    const file = sweepFile(`base: ${join(REPOSITORY_ROOT, "configs/mnist-cnn.yaml")}\ngrid:\n  training.epochs: [1, -3]\n`);
    for (const command of ["plan", "run", "report"]) {
      const result = runCli(["sweep", command, file]);
      assert.equal(result.status, 2, `${command}: ${result.stderr}`);
      assert.match(result.stderr, /^qhybrid: error: \S+s\.yaml:3:24: grid\.training\.epochs\[1\] sets training\.epochs = -3 .*\n$/);
      assert.equal(result.stdout, "");
    }
  });

  it("report exits 1 while no trial has finished", () => {
    const file = sweepFile(`base: ${join(REPOSITORY_ROOT, "configs/mnist-cnn.yaml")}\n`);
    const result = runCli(["sweep", "report", file]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /no trial has finished yet \(1 planned\); run qhybrid sweep run/);
  });
});
