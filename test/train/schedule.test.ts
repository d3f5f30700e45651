import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { trainingSchema } from "../../src/train/schema.js";
import { learningRateAt } from "../../src/train/schedule.js";

const training = (schedule: object, epochs = 10) => trainingSchema.parse({ epochs, optimizer: { learningRate: 1 }, schedule });

describe("learning-rate schedules", () => {
  it("constant stays at the base rate", () => {
    assert.equal(learningRateAt(training({ kind: "constant" }), 7, 3, 10), 1);
  });

  it("step decay multiplies by gamma every stepEpochs", () => {
    const config = training({ kind: "step", stepEpochs: 3, gamma: 0.5 });
    assert.equal(learningRateAt(config, 2, 9, 10), 1);
    assert.equal(learningRateAt(config, 3, 0, 10), 0.5);
    assert.equal(learningRateAt(config, 6, 0, 10), 0.25);
  });

  it("cosine starts at the base rate, halves midway and ends near zero", () => {
    const config = training({ kind: "cosine" });
    assert.equal(learningRateAt(config, 0, 0, 10), 1);
    assert.ok(Math.abs(learningRateAt(config, 5, 0, 10) - 0.5) < 1e-12);
    assert.ok(learningRateAt(config, 9, 9, 10) < 0.01);
  });

  it("warm-up rises linearly to the base rate over the warm-up epochs", () => {
    const config = training({ kind: "constant", warmupEpochs: 2 });
    assert.ok(Math.abs(learningRateAt(config, 0, 0, 10) - 0.05) < 1e-12);
    assert.ok(Math.abs(learningRateAt(config, 1, 0, 10) - 0.55) < 1e-12);
    assert.equal(learningRateAt(config, 2, 0, 10), 1);
  });
});
