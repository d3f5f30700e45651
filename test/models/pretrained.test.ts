import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildModel } from "../../src/models/build.js";
import { loadPretrainedWeights } from "../../src/models/pretrained.js";
import { modelSchema } from "../../src/models/schema.js";
import { saveCheckpoint } from "../../src/train/checkpoint.js";
import { Optimizer } from "../../src/train/optimizers.js";

tf.enableProdMode();

const config = modelSchema.parse({ kind: "cnn", channels: [4], dense: [8] });

describe("pretrained weights", () => {
  it("copy every weight that matches by name and shape and leave a differently sized head fresh", async () => {
    const directory = mkdtempSync(join(tmpdir(), "qhybrid-pretrained-"));
    const source = buildModel(config, { classes: 3, imageShape: [8, 8, 1], seed: 1 }).model;
    await saveCheckpoint(directory, source, new Optimizer({ name: "adam", weightDecay: 0, momentum: 0 }), { epoch: 1, globalStep: 1, bestValidationAccuracy: 0, bestEpoch: 1, epochsWithoutImprovement: 0 }, { isBest: false, keepAll: false });
    const target = buildModel(config, { classes: 5, imageShape: [8, 8, 1], seed: 2 }).model;
    const freshHead = target.getLayer("logits").getWeights()[0].dataSync().slice();
    const { copied, total } = loadPretrainedWeights(target, join(directory, "epoch-0001", "model.json"));
    assert.equal(total, target.weights.length);
    assert.equal(copied, total - 2); // all but the logits kernel and bias (3 vs 5 classes)
    assert.deepEqual(target.getLayer("conv_0").getWeights()[0].dataSync(), source.getLayer("conv_0").getWeights()[0].dataSync());
    assert.deepEqual(target.getLayer("logits").getWeights()[0].dataSync(), freshHead);
  });

  it("a file that is not a tfjs model is one clear error", () => {
    const path = join(mkdtempSync(join(tmpdir(), "qhybrid-pretrained-")), "model.json");
    writeFileSync(path, "{}");
    const model = buildModel(config, { classes: 3, imageShape: [8, 8, 1], seed: 1 }).model;
    assert.throws(() => loadPretrainedWeights(model, path), /model\.weights: .*model\.json: no weightsManifest/);
  });
});
