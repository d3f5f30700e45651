import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { evaluateModel, type EvaluationResult } from "../../src/eval/evaluate.js";
import { cleanMetricRows, evaluationMarkdown, formatMetric } from "../../src/report/markdown.js";
import { confusionMatrixSvg, lineChartSvg, reliabilityDiagramSvg, robustnessChartSvg, trainingCurvesSvg } from "../../src/report/plots.js";
import { svgToPng } from "../../src/report/raster.js";
import { escapeXml, niceTicks } from "../../src/report/svg.js";
import { PLOT_FILES, writeEvaluationReport } from "../../src/report/write.js";
import { SIDE, syntheticImages, trainedLinearModel } from "../eval/linear-model.js";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const toBytes = (pixels: Float32Array): Uint8Array => Uint8Array.from(pixels, (v) => Math.round(v * 255));

let result: EvaluationResult;
before(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
  const train = syntheticImages(200, 1);
  const test = syntheticImages(120, 2);
  const validation = syntheticImages(80, 3);
  const model = trainedLinearModel(train.images, train.labels);
  result = await evaluateModel({
    predict: model.predict,
    images: toBytes(test.images),
    labels: test.labels,
    imageShape: [SIDE, SIDE, 1],
    classNames: ["left", "right"],
    seed: 9,
    perturbations: { noise: [0.1, 0.3], rotate: [15, 90], fgsm: [0.05, 0.2], pgd: { epsilon: 0.1, steps: 3, stepSize: 0.04 }, corrupt: [{ name: "fog", severity: 2 }] },
    validation: { images: toBytes(validation.images), labels: validation.labels },
  });
  model.dispose();
});

function svgSize(svg: string): [number, number] {
  const match = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
  assert.ok(match, "svg has width and height");
  return [Number(match[1]), Number(match[2])];
}

describe("SVG plots", () => {
  it("the reliability diagram shows its title, axis labels, ECE and legend", () => {
    const svg = reliabilityDiagramSvg(result.clean.reliability, { title: "Reliability diagram", ece: result.clean.ece, mce: result.clean.mce });
    for (const expected of ["Reliability diagram", "Confidence (top-1 probability)", "Accuracy", "Samples (%)", "Confidence histogram", "Perfect calibration", "Accuracy per bin", `ECE ${(result.clean.ece * 100).toFixed(2)}%`]) {
      assert.ok(svg.includes(escapeXml(expected)), expected);
    }
  });

  it("a robustness chart of two runs has one legend entry per run and the axis units", () => {
    const svg = robustnessChartSvg(
      [
        { name: "hybrid", result },
        { name: "control", result },
      ],
      "noise",
    );
    for (const expected of ["Accuracy under Gaussian pixel noise", "Noise standard deviation σ (pixel scale [0, 1])", "Top-1 accuracy", ">hybrid<", ">control<", "100%"]) {
      assert.ok(svg.includes(expected), expected);
    }
    assert.equal((svg.match(/<polyline/g) ?? []).length, 2);
  });

  it("the epsilon chart shows FGSM as a line and PGD as a marker", () => {
    const svg = robustnessChartSvg([{ name: "run", result }], "fgsm");
    assert.ok(svg.includes("Accuracy under FGSM attack") && svg.includes("L∞ budget ε (pixel scale [0, 1])"));
    assert.ok(svg.includes(">FGSM<") && svg.includes(">PGD-3 (α = 0.04)<"));
  });

  it("the rotation chart labels its axis in degrees", () => {
    assert.ok(robustnessChartSvg([{ name: "run", result }], "rotate").includes("Rotation (degrees, counter-clockwise)"));
  });

  it("the confusion matrix names the classes and prints counts for few classes", () => {
    const svg = confusionMatrixSvg([[5, 1], [2, 7]], ["cat & dog", "bird"]);
    for (const expected of ["Confusion matrix", "Predicted class", "True class", "cat &amp; dog", "bird", ">5<", ">7<"]) assert.ok(svg.includes(expected), expected);
  });

  it("a 100-class confusion matrix is drawn without per-cell text or class names", () => {
    const matrix = Array.from({ length: 100 }, (_, i) => Array.from({ length: 100 }, (_, j) => (i === j ? 9 : (i + j) % 7 === 0 ? 1 : 0)));
    const svg = confusionMatrixSvg(matrix, matrix.map((_, k) => `class-${k}`));
    assert.ok(!svg.includes(">9<"));
    assert.ok(!svg.includes("class-5"));
    assert.ok(svg.includes("Predicted class (index)"));
    assert.equal((svg.match(/<rect /g) ?? []).length >= 100 * 100, true);
  });

  it("training curves put loss keys on the left panel and accuracy keys on the right", () => {
    const svg = trainingCurvesSvg([
      { epoch: 1, loss: 1.2, accuracy: 0.6, valLoss: 1.3, valAccuracy: 0.55, lr: 0.001 },
      { epoch: 2, loss: 0.7, accuracy: 0.8, valLoss: 0.8, valAccuracy: 0.75, lr: 0.001 },
    ]);
    for (const expected of ["Training curves", "Epoch", "Loss (cross-entropy, nats)", ">loss<", ">valLoss<", ">accuracy<", ">valAccuracy<"]) assert.ok(svg.includes(expected), expected);
    assert.ok(!svg.includes(">lr<"));
  });

  it("the same input gives the same SVG string", () => {
    const make = () => lineChartSvg({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", points: [{ x: 0, y: 1 }, { x: 1, y: 0.5 }] }] });
    assert.equal(make(), make());
  });

  it("nice ticks are round numbers covering the range", () => {
    assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0, 45, 6), [0, 10, 20, 30, 40]);
  });
});

describe("PNG rasterisation", () => {
  it("a plot rasterises to a PNG of twice its SVG size", async () => {
    const svg = reliabilityDiagramSvg(result.clean.reliability);
    const png = await svgToPng(svg, 2);
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    const [width, height] = svgSize(svg);
    const metadata = await sharp(png).metadata();
    assert.deepEqual([metadata.width, metadata.height], [2 * width, 2 * height]);
  });
});

describe("report.md and writeEvaluationReport", () => {
  it("report.md lists every clean metric, temperature-scaling number and robustness accuracy of eval.json", () => {
    const markdown = evaluationMarkdown(result, { title: "Run", plots: {} });
    for (const [, key] of cleanMetricRows(result)) assert.ok(markdown.includes(formatMetric(key, result.clean[key] as number)), key);
    const scaling = result.temperatureScaling!;
    for (const [key, value] of Object.entries(scaling.after)) assert.ok(markdown.includes(formatMetric(key, value)), `after ${key}`);
    for (const [key, value] of Object.entries(scaling.before)) assert.ok(markdown.includes(formatMetric(key, value)), `before ${key}`);
    assert.ok(markdown.includes(scaling.temperature.toFixed(4)));
    const levels = [...result.robustness.noise, ...result.robustness.rotate, ...result.robustness.fgsm, result.robustness.pgd!, ...result.robustness.corrupt];
    for (const level of levels) {
      for (const key of ["accuracy", "ece", "nll", "meanConfidence"] as const) assert.ok(markdown.includes(formatMetric(key, level[key])), `${key} at ${level.level}`);
    }
    result.clean.support.forEach((count) => assert.ok(markdown.includes(`| ${count} |`)));
  });

  it("writes eval.json, report.md and every plot as SVG and PNG, with no temporary files left", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "qhybrid-report-")), "eval");
    const files = await writeEvaluationReport(dir, result, { title: "Linear model", trainingHistory: [{ epoch: 1, loss: 1, accuracy: 0.5 }, { epoch: 2, loss: 0.5, accuracy: 0.8 }], pngScale: 1 });
    assert.deepEqual(JSON.parse(readFileSync(files.json, "utf8")), JSON.parse(JSON.stringify(result)));
    const names = readdirSync(dir).sort();
    for (const base of Object.values(PLOT_FILES)) {
      assert.ok(names.includes(`${base}.svg`) && names.includes(`${base}.png`), base);
      const png = readFileSync(join(dir, `${base}.png`));
      assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
      const metadata = await sharp(png).metadata();
      assert.deepEqual([metadata.width, metadata.height], svgSize(readFileSync(join(dir, `${base}.svg`), "utf8")), base);
    }
    assert.ok(!names.some((name) => name.endsWith(".tmp")));
    const markdown = readFileSync(files.markdown, "utf8");
    for (const base of Object.values(PLOT_FILES)) assert.ok(markdown.includes(`(${base}.png)`), base);
  });
});
