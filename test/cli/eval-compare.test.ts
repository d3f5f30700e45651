import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { REPOSITORY_ROOT, runCli } from "./run-cli.js";

const CONFIG = join(REPOSITORY_ROOT, "configs/mnist-cnn.yaml");

describe("qhybrid eval and qhybrid compare", () => {
  const output = mkdtempSync(join(tmpdir(), "qhybrid-eval-"));
  const runs: string[] = [];

  before(() => {
    for (const seed of [1, 2]) {
      const result = runCli(["train", CONFIG, "--limit", "400", "--set", `output.dir=${output}`, "--set", `seed=${seed}`, "--set", "training.batchSize=50", "--set", "eval.batchSize=1000", "--json"]);
      assert.equal(result.status, 0, result.stderr);
      runs.push(JSON.parse(result.stdout)[0].runDirectory);
    }
  });

  it("eval writes every requested condition into eval.json, with attacks lowering accuracy as ε grows", () => {
    const result = runCli(["eval", runs[0], "--noise", "gaussian:0.1,0.3", "--rotate", "30", "--fgsm", "0.05,0.2", "--pgd", "0.2:3:0.1", "--corrupt", "fog:2", "--bins", "10", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const evaluation = JSON.parse(result.stdout);
    assert.equal(evaluation.count, 10000);
    assert.equal(evaluation.bins, 10);
    assert.deepEqual(evaluation.robustness.noise.map((level: { level: number }) => level.level), [0.1, 0.3]);
    assert.deepEqual(evaluation.robustness.rotate.map((level: { level: number }) => level.level), [30]);
    const [weak, strong] = evaluation.robustness.fgsm.map((level: { accuracy: number }) => level.accuracy);
    assert.ok(evaluation.clean.accuracy > weak && weak > strong, `clean ${evaluation.clean.accuracy}, FGSM ${weak}, ${strong}`);
    assert.equal(evaluation.robustness.pgd.steps, 3);
    assert.equal(evaluation.robustness.corrupt[0].name, "fog");
    assert.deepEqual(JSON.parse(readFileSync(join(runs[0], "eval/eval.json"), "utf8")), evaluation);
    for (const plot of ["reliability.png", "accuracy-vs-noise.svg", "accuracy-vs-epsilon.png", "confusion-matrix.png", "report.md"]) {
      assert.ok(existsSync(join(runs[0], "eval", plot)), plot);
    }
  });

  it("eval accepts a checkpoint folder and refuses a malformed flag in one line", () => {
    const ok = runCli(["eval", join(runs[0], "checkpoints/best"), "--split", "validation", "--json"]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).count, 40);
    const bad = runCli(["eval", runs[0], "--pgd", "0.3:forty:0.01"]);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, "qhybrid: error: --pgd 0.3:forty:0.01: expected EPSILON:STEPS:STEP_SIZE (e.g. 0.3:40:0.01) or madry\n");
  });

  it("compare puts two runs in one table with the difference to the first", () => {
    const out = join(output, "comparison");
    const result = runCli(["compare", ...runs, "--out", out, "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const comparison = JSON.parse(result.stdout);
    assert.equal(comparison.runs.length, 2);
    assert.ok(readdirSync(out).includes("comparison.md"));
    assert.match(readFileSync(join(out, "comparison.md"), "utf8"), /seed 2/);
  });

  it("compare refuses a run that was never evaluated", () => {
    const result = runCli(["compare", runs[0], output]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /is not a qhybrid run directory/);
  });
});
