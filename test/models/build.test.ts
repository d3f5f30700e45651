import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { describe, it } from "node:test";
import { buildModel } from "../../src/models/build.js";
import { modelSchema } from "../../src/models/schema.js";
import { CircuitBuilder } from "../../src/quantum/circuit.js";

tf.enableProdMode();

const smallCnn = modelSchema.parse({ kind: "cnn", channels: [16, 32], padding: "valid", batchNorm: false, pooling: "flatten", dense: [64] });

/** A stand-in quantum layer with the circuit's output size, so model shapes can be checked without the simulator. */
class FakeQuantum extends tf.layers.Layer {
  static readonly className = "TestFakeQuantum";
  constructor(private readonly outputs: number, name: string) {
    super({ name });
  }
  override build(): void {
    this.addWeight("angles", [3], "float32", tf.initializers.zeros());
  }
  override computeOutputShape(shape: tf.Shape): tf.Shape {
    return [shape[0], this.outputs];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => x.slice([0, 0], [-1, this.outputs]));
  }
}

describe("model building", () => {
  it("the benchmark's small CNN has the parameter count of its layers", () => {
    const built = buildModel(smallCnn, { classes: 10, imageShape: [28, 28, 1], seed: 3 });
    // conv 1→16 3×3: 160; conv 16→32: 4,640; flatten 5·5·32 = 800 → dense 64: 51,264; dense 10: 650.
    assert.equal(built.parameters.total, 160 + 4640 + 51264 + 650);
    assert.equal(built.parameters.quantum, 0);
    assert.deepEqual(built.model.outputs[0].shape, [null, 10]);
  });

  it("the same seed builds the same weights, another seed different ones", () => {
    const weights = (seed: number): Float32Array => buildModel(smallCnn, { classes: 10, imageShape: [28, 28, 1], seed }).model.getLayer("conv_0").getWeights()[0].dataSync() as Float32Array;
    assert.deepEqual(weights(5), weights(5));
    assert.notDeepEqual(weights(5), weights(6));
  });

  it("the matched control has the same shapes as the hybrid except the quantum layer, replaced by a dense layer", () => {
    const circuit = new CircuitBuilder(4, 16).amplitudeEmbedding().basicEntanglerLayers({ layers: 2 }).expval().build();
    const config = modelSchema.parse({ kind: "hybrid", channels: [8], dense: [] });
    const quantum = { circuit, createLayer: (_: unknown, options: { name: string }) => new FakeQuantum(4, options.name) };
    const context = { classes: 10, imageShape: [28, 28, 1] as const, seed: 1, quantum };
    const hybrid = buildModel(config, context, false);
    const control = buildModel(config, context, true);
    assert.deepEqual(hybrid.quantumLayers, ["quantum"]);
    assert.deepEqual(control.quantumLayers, []);
    assert.equal(hybrid.parameters.quantum, 3);
    assert.throws(() => control.model.getLayer("quantum"));
    assert.deepEqual(control.model.getLayer("quantum_control").outputShape, [null, 4]);
    assert.deepEqual(hybrid.model.getLayer("circuit_inputs").outputShape, [null, 16]);
    const names = (built: typeof hybrid): string[] => built.model.layers.map((layer) => layer.name).filter((name) => !name.startsWith("quantum"));
    assert.deepEqual(names(hybrid), names(control));
  });

  it("a ResNet-18 backbone with a width multiplier ends in global pooling of 512·width channels", () => {
    const config = modelSchema.parse({ kind: "resnet", depth: 18, widthMultiplier: 0.125, dense: [] });
    const built = buildModel(config, { classes: 5, imageShape: [32, 32, 3], seed: 2 });
    assert.deepEqual(built.model.getLayer("global_pool").outputShape, [null, 64]);
    assert.deepEqual(built.model.outputs[0].shape, [null, 5]);
  });
});
