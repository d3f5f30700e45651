// SPDX-License-Identifier: MIT
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli, REPOSITORY_ROOT } from "../cli/run-cli.js";
import { readLabelsFile } from "../../src/labels/file.js";

const CONFIG = join(REPOSITORY_ROOT, "configs/qplr-mnist.yaml");
/** A labeller small enough for a test: 4 qubits, angle encoding after PCA, exact probabilities. */
const tinyLabeller = ["labels.labeller.kind=born", "labels.labeller.encoding=angle", "labels.labeller.qubits=4", "labels.labeller.layers=2", "labels.labeller.shots=null", "labels.labeller.epochs=1", "labels.labeller.learningRate=0.05"].flatMap((set) => ["--set", set]);
const tinyStudent = (output: string): string[] =>
  ["output.dir=" + output, "training.batchSize=50", "eval.batchSize=1000", "eval.noise=[0.3]", "eval.rotate=[]"].flatMap((set) => ["--set", set]);

describe("QPLR stages 1 and 2", () => {
  const output = mkdtempSync(join(tmpdir(), "qhybrid-qplr-"));
  const labels = join(output, "labels.bin");

  it("label-refine writes soft labels for every training image, and its report", () => {
    const result = runCli(["label-refine", CONFIG, "--limit", "300", ...tinyLabeller, "--set", `output.dir=${output}`, "--out", labels, "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const printed = JSON.parse(result.stdout);
    assert.equal(printed.file, labels);
    const file = readLabelsFile(labels);
    assert.equal(file.header.count, 60000);
    assert.equal(file.header.dataset, "mnist");
    for (let row = 0; row < file.header.count; row += 997) {
      const sum = file.distributions.subarray(row * 10, (row + 1) * 10).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `row ${row} sums to ${sum}`);
    }
    for (const name of ["report.md", "report.json", "label-grid.png", "label-histograms.png"]) assert.ok(existsSync(join(output, name)), name);
    assert.ok(printed.report.accuracy.test > 0.1, `labeller accuracy ${printed.report.accuracy.test}`);
  });

  it("stage 2 trains the student on the soft labels of the file (labels.mode soft)", () => {
    const result = runCli(["train", CONFIG, "--limit", "300", "--epochs", "2", "--set", "labels.mode=soft", "--set", `labels.file=${labels}`, ...tinyStudent(output), "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const [summary] = JSON.parse(result.stdout);
    assert.equal(summary.labels, "soft");
    assert.match(result.stderr, /soft targets from/);
    const run = join(output, "qplr-mnist", readdirSync(join(output, "qplr-mnist")).find((name) => name !== "labels")!);
    const epochs = readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(epochs.length, 2);
    assert.ok(epochs[1].loss < epochs[0].loss, `loss ${epochs[0].loss} → ${epochs[1].loss}`);
  });

  it("stage 2 refuses a labels file made for another dataset, in one line", () => {
    const result = runCli(["train", CONFIG, "--limit", "300", "--epochs", "1", "--set", "data.name=fashion-mnist", "--set", "labels.mode=soft", "--set", `labels.file=${labels}`, ...tinyStudent(output)]);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /labels file made for dataset mnist, not fashion-mnist/);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  });

  it("--compare trains the same student on each label kind and writes one comparison; qplr reuses its cached labels", () => {
    const compareOut = mkdtempSync(join(tmpdir(), "qhybrid-qplr-compare-"));
    const args = ["train", CONFIG, "--limit", "300", "--epochs", "1", ...tinyLabeller, ...tinyStudent(compareOut)];
    const result = runCli([...args, "--compare", "onehot,classical-soft", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const summaries = JSON.parse(result.stdout);
    assert.deepEqual(summaries.map((summary: { labels: string }) => summary.labels), ["onehot", "classical-soft", "qplr"]);
    assert.equal(new Set(summaries.map((summary: { seed: number }) => summary.seed)).size, 1);
    const [comparison] = readdirSync(join(compareOut, "qplr-mnist-compare"));
    const markdown = readFileSync(join(compareOut, "qplr-mnist-compare", comparison, "comparison.md"), "utf8");
    for (const kind of ["onehot", "classical-soft", "qplr"]) assert.match(markdown, new RegExp(`\\| ${kind} \\|`));
    const again = runCli(args);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /labels: reusing .*born-[0-9a-f]{16}/);
  });
});
