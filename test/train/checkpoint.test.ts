import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildModel } from "../../src/models/build.js";
import { modelSchema } from "../../src/models/schema.js";
import { loadCheckpoint, restoreWeights, saveCheckpoint } from "../../src/train/checkpoint.js";
import { Optimizer } from "../../src/train/optimizers.js";

tf.enableProdMode();

const config = modelSchema.parse({ kind: "cnn", channels: [4], dense: [8] });
const build = (seed: number) => buildModel(config, { classes: 3, imageShape: [8, 8, 1], seed }).model;

describe("checkpoints", () => {
  it("restore the model's weights and the optimiser's state exactly", async () => {
    const directory = mkdtempSync(join(tmpdir(), "qhybrid-ckpt-"));
    const model = build(1);
    const optimizer = new Optimizer({ name: "adam", weightDecay: 0, momentum: 0 });
    const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    optimizer.apply(variables, variables.map((variable) => tf.onesLike(variable)), 0.01);
    const state = { epoch: 1, globalStep: 1, bestValidationAccuracy: 0.5, bestEpoch: 1, epochsWithoutImprovement: 0 };
    await saveCheckpoint(directory, model, optimizer, state, { isBest: true, keepAll: false });

    const loaded = loadCheckpoint(directory);
    const other = build(2);
    restoreWeights(other, loaded.weights, loaded.folder);
    model.weights.forEach((weight, index) => assert.deepEqual(other.weights[index].read().dataSync(), weight.read().dataSync()));
    assert.deepEqual(loaded.state, state);
    assert.equal(loaded.optimizerState.step, 1);
    assert.deepEqual(loaded.optimizerState.slots.map((slot) => Array.from(slot.values)), optimizer.state().slots.map((slot) => Array.from(slot.values)));
    assert.ok(existsSync(join(directory, "best", "model.json")));
  });

  it("the saved model.json loads with tf.loadLayersModel", async () => {
    const directory = mkdtempSync(join(tmpdir(), "qhybrid-ckpt-"));
    const model = build(1);
    await saveCheckpoint(directory, model, new Optimizer({ name: "sgd", weightDecay: 0, momentum: 0.9 }), { epoch: 1, globalStep: 3, bestValidationAccuracy: 0, bestEpoch: 1, epochsWithoutImprovement: 0 }, { isBest: false, keepAll: false });
    const { readFileSync } = await import("node:fs");
    const folder = join(directory, "epoch-0001");
    const json = JSON.parse(readFileSync(join(folder, "model.json"), "utf8"));
    const bytes = readFileSync(join(folder, "weights.bin"));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }));
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, "float32", 9);
    assert.deepEqual((loaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync());
  });

  it("only the newest epoch is kept unless all are asked for", async () => {
    const directory = mkdtempSync(join(tmpdir(), "qhybrid-ckpt-"));
    const model = build(1);
    const optimizer = new Optimizer({ name: "adam", weightDecay: 0, momentum: 0 });
    for (const epoch of [1, 2, 3]) {
      await saveCheckpoint(directory, model, optimizer, { epoch, globalStep: epoch, bestValidationAccuracy: 0, bestEpoch: 1, epochsWithoutImprovement: 0 }, { isBest: epoch === 1, keepAll: false });
    }
    assert.deepEqual(readdirSync(directory).sort(), ["best", "epoch-0003", "latest.json"]);
  });

  it("a model of another shape is refused with the offending weight", () => {
    const directory = mkdtempSync(join(tmpdir(), "qhybrid-ckpt-"));
    const small = build(1);
    const wide = buildModel(modelSchema.parse({ kind: "cnn", channels: [6], dense: [8] }), { classes: 3, imageShape: [8, 8, 1], seed: 1 }).model;
    assert.throws(() => restoreWeights(wide, small.getWeights(), directory), /weight conv_0\/kernel.* has shape \[3,3,1,4\] in the checkpoint, \[3,3,1,6\] in the model/);
  });
});
