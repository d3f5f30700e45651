import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { evaluateModel, type EvaluationInput } from "../../src/eval/evaluate.js";
import { accuracy } from "../../src/eval/metrics.js";
import { CORRUPTION_NAMES } from "../../src/eval/perturb.js";
import { CORRUPTION_CHOICES, evalSchema } from "../../src/eval/schema.js";
import { SIDE, syntheticImages, trainedLinearModel } from "./linear-model.js";

const train = syntheticImages(200, 1);
const test = syntheticImages(150, 2);
const validation = syntheticImages(100, 3);
const toBytes = (pixels: Float32Array): Uint8Array => Uint8Array.from(pixels, (v) => Math.round(v * 255));

let model: ReturnType<typeof trainedLinearModel>;
before(async () => {
  tf.enableProdMode();
  await tf.setBackend("cpu");
  model = trainedLinearModel(train.images, train.labels);
});
after(() => model.dispose());

function input(overrides: Partial<EvaluationInput> = {}): EvaluationInput {
  return {
    predict: model.predict,
    images: toBytes(test.images),
    labels: test.labels,
    imageShape: [SIDE, SIDE, 1],
    classNames: ["left", "right"],
    batchSize: 64,
    bins: 10,
    seed: 42,
    perturbations: {
      noise: [0, 0.2],
      rotate: [0, 90],
      fgsm: [0, 0.1, 0.3],
      pgd: { epsilon: 0.1, steps: 3, stepSize: 0.05 },
      corrupt: [{ name: "shot_noise", severity: 2 }],
    },
    validation: { images: toBytes(validation.images), labels: validation.labels },
    ...overrides,
  };
}

describe("evaluateModel", () => {
  it("clean accuracy equals the accuracy of the logits computed directly", async () => {
    const result = await evaluateModel(input());
    const x = tf.tensor4d(Float32Array.from(toBytes(test.images), (v) => v / 255), [150, SIDE, SIDE, 1]);
    const logits = model.predict(x);
    assert.equal(result.clean.accuracy, accuracy(logits.dataSync() as Float32Array, test.labels));
    tf.dispose([x, logits]);
    assert.equal(result.count, 150);
    assert.equal(result.clean.confusionMatrix.flat().reduce((a, b) => a + b), 150);
    assert.equal(result.clean.reliability.length, 10);
  });

  it("level 0 of noise, rotation and FGSM reproduces the clean accuracy", async () => {
    const result = await evaluateModel(input());
    for (const levels of [result.robustness.noise, result.robustness.rotate, result.robustness.fgsm]) {
      assert.equal(levels[0].level, 0);
      assert.equal(levels[0].accuracy, result.clean.accuracy);
      assert.equal(levels[0].ece, result.clean.ece);
    }
  });

  it("reports every requested perturbation, FGSM falling with ε, and temperature scaling", async () => {
    const result = await evaluateModel(input());
    assert.deepEqual(result.robustness.noise.map((r) => r.level), [0, 0.2]);
    assert.deepEqual(result.robustness.rotate.map((r) => r.level), [0, 90]);
    const fgsmAccuracy = result.robustness.fgsm.map((r) => r.accuracy);
    assert.ok(fgsmAccuracy[1] <= fgsmAccuracy[0] && fgsmAccuracy[2] <= fgsmAccuracy[1], fgsmAccuracy.join(", "));
    assert.equal(result.robustness.pgd?.steps, 3);
    assert.equal(result.robustness.corrupt[0].name, "shot_noise");
    const scaling = result.temperatureScaling!;
    assert.ok(scaling.temperature > 0);
    assert.ok(scaling.validationNllAfter <= scaling.validationNllBefore);
    assert.equal(scaling.after.accuracy, result.clean.accuracy);
  });

  it("repeats exactly for the same seed, and a different seed changes the noisy results", async () => {
    const strip = (r: Awaited<ReturnType<typeof evaluateModel>>) => JSON.stringify({ ...r, seconds: undefined });
    const a = await evaluateModel(input());
    const b = await evaluateModel(input());
    assert.equal(strip(a), strip(b));
    const c = await evaluateModel(input({ seed: 43 }));
    assert.notEqual(c.robustness.noise[1].nll, a.robustness.noise[1].nll);
  });

  it("the batch size does not change the clean metrics", async () => {
    const small = await evaluateModel(input({ batchSize: 7, perturbations: {} }));
    const large = await evaluateModel(input({ batchSize: 1000, perturbations: {} }));
    assert.deepEqual(small.clean, large.clean);
  });

  it("leaves no tensors behind", async () => {
    const before = tf.memory().numTensors;
    await evaluateModel(input());
    assert.equal(tf.memory().numTensors, before);
  });

  it("serialises to JSON and back without losing a number", async () => {
    const result = await evaluateModel(input());
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  });

  it("refuses images whose size does not match the labels and image shape", async () => {
    await assert.rejects(evaluateModel(input({ images: new Uint8Array(10) })), /evaluation images hold 10 bytes/);
  });

  it("refuses a model whose logits do not match the class names", async () => {
    await assert.rejects(evaluateModel(input({ classNames: ["a", "b", "c"], perturbations: {} })), /2 logits per image, but there are 3 class names/);
  });
});

describe("eval config", () => {
  it("lists the same corruptions as the perturbation module", () => {
    assert.deepEqual([...CORRUPTION_CHOICES].sort(), [...CORRUPTION_NAMES].sort());
  });

  it("accepts corruptions and a PGD block and rejects unknown keys", () => {
    const parsed = evalSchema.parse({ corrupt: [{ name: "fog", severity: 5 }], pgd: { epsilon: 0.3, steps: 40, stepSize: 0.01 } });
    assert.equal(parsed.pgd?.randomStart, true);
    assert.equal(parsed.batchSize, 256);
    assert.throws(() => evalSchema.parse({ corrupt: [{ name: "fog", severity: 6 }] }));
    assert.throws(() => evalSchema.parse({ noize: [0.1] }));
  });
});
