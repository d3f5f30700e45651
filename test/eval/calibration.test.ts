import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  adaptiveExpectedCalibrationError,
  binIndex,
  brierScore,
  calibrationMetrics,
  classwiseExpectedCalibrationError,
  expectedCalibrationError,
  fitTemperature,
  negativeLogLikelihood,
  softmaxRows,
  temperatureNll,
} from "../../src/eval/calibration.js";
import { Random } from "../../src/random.js";
import { FIVE } from "./fixtures.js";

const TOL = 1e-6;
const close = (actual: number, expected: number, tol = TOL): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

describe("calibration metrics", () => {
  it("confidence 0 falls in the first bin and each upper edge belongs to its own bin", () => {
    assert.equal(binIndex(0, 15), 0);
    assert.equal(binIndex(0.5, 2), 0);
    assert.equal(binIndex(0.5000001, 2), 1);
    assert.equal(binIndex(1, 15), 14);
  });

  it("a perfectly calibrated toy has ECE 0 and MCE 0", () => {
    // Four rows at confidence 0.75 with three correct; two rows at 0.5 with one correct.
    const probabilities = new Float32Array([0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.5, 0.5, 0.5, 0.5]);
    const labels = new Int32Array([0, 0, 0, 1, 0, 1]);
    const { ece, mce } = expectedCalibrationError(probabilities, labels, 15);
    close(ece, 0);
    close(mce, 0);
  });

  // Five-sample case with M = 5 bins (.2 wide); confidences .7 ✓, .65 ✗, .5 ✓, .9 ✓, .45 ✗.
  // bin (.4,.6]: {.5 ✓, .45 ✗} conf .475 acc .5 gap .025
  // bin (.6,.8]: {.7 ✓, .65 ✗} conf .675 acc .5 gap .175
  // bin (.8,1]:  {.9 ✓}        conf .9   acc 1  gap .1
  // ECE = .4·.025 + .4·.175 + .2·.1 = .10; MCE = .175.
  it("the five-sample case has ECE 0.10 and MCE 0.175 with five bins", () => {
    const { ece, mce } = expectedCalibrationError(FIVE.probabilities, FIVE.labels, 5);
    close(ece, 0.1);
    close(mce, 0.175);
  });

  // NLL = −(ln .7 + ln .25 + ln .5 + ln .9 + ln .3)/5 = 3.7454500/5 = 0.7490900.
  it("the five-sample case has NLL 0.74909", () => {
    close(negativeLogLikelihood(FIVE.probabilities, FIVE.labels), 0.74909, 1e-5);
  });

  // Brier per row: .3²+.18²+.12² = .1368; .65²+.75²+.1² = .995; .15²+.5²+.35² = .395;
  // .05²+.05²+.1² = .015; .7²+.25²+.45² = .755. Mean = 2.2968/5 = .45936; ÷3 = .15312.
  it("the five-sample case has Brier 0.45936 (undivided) and 0.15312 per class", () => {
    close(brierScore(FIVE.probabilities, FIVE.labels), 0.45936);
    const metrics = calibrationMetrics(FIVE.probabilities, FIVE.labels, 5);
    close(metrics.brierPerClass, 0.15312);
    close(metrics.meanConfidence, 0.64);
    close(metrics.accuracy, 0.6);
    close(metrics.overconfidence, 0.04);
  });

  // With as many bins as samples, each equal-mass bin holds one sample:
  // (|1−.7| + |0−.65| + |1−.5| + |1−.9| + |0−.45|)/5 = 2.0/5 = .4.
  // With two bins: sorted .45✗ .5✓ | .65✗ .7✓ .9✓ → (|1−.95| + |2−2.25|)/5 = .06.
  it("adaptive ECE of the five-sample case is 0.4 with five bins and 0.06 with two", () => {
    close(adaptiveExpectedCalibrationError(FIVE.probabilities, FIVE.labels, 5), 0.4);
    close(adaptiveExpectedCalibrationError(FIVE.probabilities, FIVE.labels, 2), 0.06);
  });

  // Class 0: p = .7 .65 .15 .05 .3, y=0 at rows 0 and 4. Bins: [0,.2] {.15,.05} gap .1;
  //   (.2,.4] {.3 ✓} gap .7; (.6,.8] {.7 ✓,.65} gap .175 → (2·.1 + .7 + 2·.175)/5 = .25.
  // Class 1: p = .18 .25 .5 .05 .25, y=1 at rows 1, 2. [0,.2] {.18,.05} gap .115;
  //   (.2,.4] {.25 ✓, .25} gap .25; (.4,.6] {.5 ✓} gap .5 → (.23 + .5 + .5)/5 = .246.
  // Class 2: p = .12 .1 .35 .9 .45, y=2 at row 3. [0,.2] {.12,.1} gap .11; {.35} .35;
  //   {.45} .45; {.9 ✓} .1 → (.22 + .35 + .45 + .1)/5 = .224.  Mean = .72/3 = .24.
  it("classwise ECE of the five-sample case is 0.24 with five bins", () => {
    close(classwiseExpectedCalibrationError(FIVE.probabilities, FIVE.labels, 5), 0.24);
  });

  it("the reliability bins carry count, mean confidence and accuracy", () => {
    const { reliability } = calibrationMetrics(FIVE.probabilities, FIVE.labels, 5);
    assert.deepEqual(
      reliability.map((bin) => bin.count),
      [0, 0, 2, 2, 1],
    );
    assert.equal(reliability[0].accuracy, null);
    close(reliability[3].meanConfidence!, 0.675);
    assert.equal(reliability[3].accuracy, 0.5);
  });

  it("NLL clamps a zero probability at 1e-12", () => {
    close(negativeLogLikelihood(new Float32Array([1, 0]), new Int32Array([1])), -Math.log(1e-12));
  });
});

describe("temperature scaling", () => {
  /** Labels drawn from softmax(z); the model reports 3z, so it is over-confident by T = 3. */
  function overconfident(count: number, classes: number, seed: number): { logits: Float32Array; labels: Int32Array } {
    const random = new Random(seed);
    const logits = new Float32Array(count * classes);
    const labels = new Int32Array(count);
    for (let row = 0; row < count; row++) {
      const z = Array.from({ length: classes }, () => random.normal());
      const p = softmaxRows(Float32Array.from(z), classes);
      let u = random.uniform();
      let label = classes - 1;
      for (let k = 0; k < classes; k++) {
        u -= p[k];
        if (u < 0) {
          label = k;
          break;
        }
      }
      labels[row] = label;
      z.forEach((value, k) => (logits[row * classes + k] = 3 * value));
    }
    return { logits, labels };
  }

  it("finds T > 1 for over-confident logits and lowers their NLL", () => {
    const { logits, labels } = overconfident(3000, 4, 11);
    const fit = fitTemperature(logits, labels);
    assert.ok(fit.temperature > 2.5 && fit.temperature < 3.5, `T = ${fit.temperature}`);
    assert.ok(fit.nllAfter < fit.nllBefore);
    assert.equal(fit.atSearchBound, false);
    close(fit.nllBefore, temperatureNll(logits, labels, 1), 1e-9);
  });

  it("the fitted T is a minimum of the validation NLL", () => {
    const { logits, labels } = overconfident(500, 3, 5);
    const { temperature, nllAfter } = fitTemperature(logits, labels);
    assert.ok(temperatureNll(logits, labels, temperature * 1.01) >= nllAfter);
    assert.ok(temperatureNll(logits, labels, temperature / 1.01) >= nllAfter);
  });

  it("perfectly separable logits push T to the lower end of the range and say so", () => {
    const fit = fitTemperature(new Float32Array([1, 0, 0, 1]), new Int32Array([0, 1]));
    assert.equal(fit.atSearchBound, true);
    assert.ok(fit.temperature < 0.0101);
  });

  it("softmax with temperature matches the closed form for two classes", () => {
    const p = softmaxRows(new Float32Array([2, 0]), 2, 2);
    close(p[0], 1 / (1 + Math.exp(-1)));
  });
});
