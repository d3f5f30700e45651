import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { before, describe, it } from "node:test";
import { selectBackend } from "../../src/backend/select.js";
import { experimentSchema } from "../../src/config/schema.js";
import { imageBatch } from "../../src/backend/train-step.js";
import { loadInMemory } from "../../src/data/index.js";
import { buildModel } from "../../src/models/build.js";
import { hasQuantumLayer } from "../../src/models/schema.js";
import { quantumPartsFor } from "../../src/quantum/model-parts.js";
import { Optimizer } from "../../src/train/optimizers.js";
import { createTrainingStep } from "../../src/train/trainer.js";

/** Trains on one fixed batch of 32 real MNIST images; returns the first and last loss. */
async function lossesOf(input: object, steps = 25): Promise<[number, number]> {
  const config = experimentSchema.parse(input);
  const mnist = await loadInMemory("mnist", { splits: ["train", "test"] });
  const rows = Int32Array.from({ length: 32 }, (_, index) => index);
  const labels = Int32Array.from(rows, (row) => mnist.splits.train.labels[row]);
  const x = imageBatch(mnist.splits.train.images, rows, mnist.imageShape);
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), 10).cast("float32") as tf.Tensor2D;
  const needsQuantum = hasQuantumLayer(config.model);
  const built = buildModel(config.model, { classes: 10, imageShape: mnist.imageShape, seed: 3, quantum: needsQuantum ? quantumPartsFor(config) : undefined });
  const optimizer = new Optimizer(config.training.optimizer);
  const step = createTrainingStep(built.model, optimizer, undefined);
  const losses: number[] = [];
  for (let index = 0; index < steps; index++) losses.push(step(x, y, labels, 1e-2).loss);
  tf.dispose([x, y]);
  optimizer.dispose();
  built.model.dispose();
  return [losses[0], losses[losses.length - 1]];
}

describe("every model kind trains", () => {
  before(async () => {
    await selectBackend("wasm");
  });

  const cases: [string, object][] = [
    ["cnn", { model: { kind: "cnn", channels: [8], dense: [16] } }],
    ["hybrid (4-qubit amplitude head)", { model: { kind: "hybrid", channels: [8], hybrid: { hidden: 16, post: 16 } } }],
    ["hybrid control", { model: { kind: "hybrid", channels: [8], hybrid: { hidden: 16, post: 16 }, control: true } }],
    ["quanv", { model: { kind: "quanv", channels: [8], dense: [16] } }],
    ["resnet-18 with a VQC head", { model: { kind: "resnet", depth: 18, widthMultiplier: 0.125, head: "quantum", hybrid: { hidden: 16, post: 16, inputActivation: "tanh" } }, quantum: { qubits: 4, embedding: "angle", template: "strongly-entangling", layers: 1 } }],
  ];
  for (const [name, config] of cases) {
    it(`${name}: the loss on a fixed batch falls`, async () => {
      const [first, last] = await lossesOf(config);
      assert.ok(last < first * 0.9, `loss ${first} → ${last}`);
    });
  }
});
