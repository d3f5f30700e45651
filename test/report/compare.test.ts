import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { evaluateModel, type EvaluationResult } from "../../src/eval/evaluate.js";
import { comparisonMarkdown, pairedTests, signFlipTest, writeComparisonReport, type ComparedRun } from "../../src/report/compare.js";
import { SIDE, syntheticImages, trainedLinearModel } from "../eval/linear-model.js";

let base: EvaluationResult;
before(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
  const train = syntheticImages(200, 1);
  const test = syntheticImages(100, 2);
  const model = trainedLinearModel(train.images, train.labels);
  base = await evaluateModel({
    predict: model.predict,
    images: Uint8Array.from(test.images, (v) => Math.round(v * 255)),
    labels: test.labels,
    imageShape: [SIDE, SIDE, 1],
    classNames: ["left", "right"],
    seed: 3,
    perturbations: { noise: [0.1, 0.3], fgsm: [0.1] },
  });
  model.dispose();
});

/** A copy of the base result with the clean accuracy and ECE replaced. */
function variant(accuracy: number, ece: number): EvaluationResult {
  const copy = structuredClone(base);
  copy.clean.accuracy = accuracy;
  copy.clean.ece = ece;
  return copy;
}

describe("sign-flip paired test", () => {
  it("three equal positive differences give the exact p = 2/8", () => {
    assert.deepEqual(signFlipTest([0.01, 0.01, 0.01]), { p: 0.25, exact: true });
  });

  it("differences that cancel give p = 1", () => {
    assert.equal(signFlipTest([0.2, -0.2]).p, 1);
  });

  it("four differences of one sign give p = 2/16", () => {
    assert.equal(signFlipTest([0.5, 0.2, 0.3, 0.1]).p, 0.125);
  });

  it("more than 16 seeds fall back to 100,000 seeded sign patterns", () => {
    const result = signFlipTest(Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? -0.1 : 0.1)));
    assert.equal(result.exact, false);
    assert.ok(result.p > 0 && result.p <= 1);
  });
});

describe("comparison reports", () => {
  const runs = (): ComparedRun[] => [
    { name: "control s1", group: "control", seed: 1, result: variant(0.9, 0.05) },
    { name: "control s2", group: "control", seed: 2, result: variant(0.92, 0.04) },
    { name: "control s3", group: "control", seed: 3, result: variant(0.91, 0.05) },
    { name: "hybrid s1", group: "hybrid", seed: 1, result: variant(0.93, 0.03) },
    { name: "hybrid s2", group: "hybrid", seed: 2, result: variant(0.94, 0.02) },
    { name: "hybrid s3", group: "hybrid", seed: 3, result: variant(0.95, 0.03) },
  ];

  it("pairs runs of two groups by seed and reports the mean difference", () => {
    const accuracy = pairedTests(runs()).find((t) => t.metric === "accuracy")!;
    assert.deepEqual(accuracy.seeds, [1, 2, 3]);
    assert.ok(Math.abs(accuracy.meanDifference - 0.03) < 1e-12);
    assert.equal(accuracy.p, 0.25);
  });

  it("the table shows each run with its difference to the first in percentage points", () => {
    const markdown = comparisonMarkdown(runs(), "Hybrid vs control");
    assert.ok(markdown.includes("| hybrid s3 | 95.00% | +5.00 pp |"));
    assert.ok(markdown.includes("| control s1 | 90.00% | +0.00 pp |"));
    assert.ok(markdown.includes("## Paired tests over shared seeds"));
    assert.ok(markdown.includes("## Gaussian noise: accuracy"));
  });

  it("writes comparison.json, comparison.md and shared robustness plots", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "qhybrid-compare-")), "cmp");
    const files = await writeComparisonReport(dir, runs(), { title: "Hybrid vs control", pngScale: 1 });
    assert.equal(JSON.parse(readFileSync(files.json, "utf8")).runs.length, 6);
    assert.ok(existsSync(join(dir, "accuracy-vs-noise.png")) && existsSync(join(dir, "accuracy-vs-epsilon.svg")));
    assert.ok(!existsSync(join(dir, "accuracy-vs-rotation.svg")));
    const svg = readFileSync(join(dir, "accuracy-vs-noise.svg"), "utf8");
    for (const run of runs()) assert.ok(svg.includes(`>${run.name}<`), run.name);
    assert.ok(readFileSync(files.markdown, "utf8").includes("(accuracy-vs-noise.png)"));
  });
});
