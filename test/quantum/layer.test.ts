import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { CircuitBuilder, type Circuit } from "../../src/quantum/circuit.js";
import { loadCircuitFile } from "../../src/quantum/circuit-file.js";
import { decodeCircuit, encodeCircuit, QuantumLayer } from "../../src/quantum/layer.js";
import { simulate } from "../../src/quantum/simulate.js";
import { referenceMeasurement } from "./dense-reference.js";
import { randomValues } from "./random-circuit.js";

const CIRCUITS = new URL("../../configs/circuits/", import.meta.url).pathname;
const TOL = 1e-5;

before(async () => {
  tf.enableProdMode();
  assert.ok(await tf.setBackend("wasm"));
});

/** Dense(16) → QuantumLayer(circuit) → Dense(2): a hybrid head as seed 2 builds it. */
function hybridModel(circuit: Circuit, seed = 5): tf.LayersModel {
  const input = tf.input({ shape: [6] });
  const features = tf.layers.dense({ units: circuit.inputSize, kernelInitializer: tf.initializers.glorotUniform({ seed: 11 }), name: "pre" }).apply(input) as tf.SymbolicTensor;
  const measured = new QuantumLayer({ circuit, seed, name: "quantum" }).apply(features) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 12 }), name: "post" }).apply(measured) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  assert.ok(saved);
  // Through JSON text, as a checkpoint file would be.
  const topology = JSON.parse(JSON.stringify(saved.modelTopology));
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: saved.weightSpecs, weightData: saved.weightData }));
}

describe("the quantum layer", () => {
  it("outputs the simulator's measurement of its circuit with its own weights", () => {
    const circuit = loadCircuitFile(`${CIRCUITS}bel4.yaml`);
    const layer = new QuantumLayer({ circuit, seed: 3 });
    const x = tf.tensor2d([randomValues(16, 1, 0, 1), randomValues(16, 2, 0, 1)]);
    const output = layer.apply(x) as tf.Tensor;
    assert.deepEqual(output.shape, [2, 4]);
    const weights = layer.getWeights()[0];
    assert.deepEqual(weights.shape, [8]);
    const w = Array.from(weights.dataSync());
    assert.ok(w.every((value) => value >= 0 && value < 2 * Math.PI));
    const values = output.arraySync() as number[][];
    values.forEach((row, b) => {
      const expected = referenceMeasurement(circuit, Array.from(x.slice([b, 0], [1, 16]).dataSync()), w);
      row.forEach((value, index) => assert.ok(Math.abs(value - expected[index]) < TOL, `${b},${index}: ${value} vs ${expected[index]}`));
    });
    tf.dispose([x, output]);
  });

  it("the same seed gives the same initial weights and another seed different ones", () => {
    const circuit = loadCircuitFile(`${CIRCUITS}bel4.yaml`);
    const weightsFor = (seed: number) => {
      const layer = new QuantumLayer({ circuit, seed });
      layer.build([null, 16]);
      return Array.from(layer.getWeights()[0].dataSync());
    };
    assert.deepEqual(weightsFor(7), weightsFor(7));
    assert.notDeepEqual(weightsFor(7), weightsFor(8));
    assert.throws(() => new QuantumLayer({ circuit, seed: 0 }), /non-zero integer seed/);
  });

  it("a model holding it saves and loads with identical outputs and weights", async () => {
    const model = hybridModel(loadCircuitFile(`${CIRCUITS}bel4.yaml`));
    const loaded = await roundTrip(model);
    const x = tf.tensor2d([randomValues(6, 3), randomValues(6, 4)]);
    const before = (model.predict(x) as tf.Tensor).arraySync();
    const after = (loaded.predict(x) as tf.Tensor).arraySync();
    assert.deepEqual(after, before);
    const layer = loaded.getLayer("quantum") as QuantumLayer;
    assert.ok(layer instanceof QuantumLayer);
    assert.deepEqual(layer.circuit, loadCircuitFile(`${CIRCUITS}bel4.yaml`));
    x.dispose();
  });

  it("frozen template weights are kept apart as non-trainable and survive saving", async () => {
    const builder = new CircuitBuilder(3, 3).angleEmbedding().randomLayers({ layers: 1, rotationsPerLayer: 3, seed: 4, trainable: false }).basicEntanglerLayers({ layers: 1 });
    const circuit = builder.expval().build();
    const model = hybridModel(circuit);
    const layer = model.getLayer("quantum");
    assert.deepEqual(layer.trainableWeights.map((weight) => weight.shape), [[3]]);
    assert.deepEqual(layer.nonTrainableWeights.map((weight) => weight.shape), [[3]]);
    const loaded = await roundTrip(model);
    const x = tf.tensor2d([randomValues(6, 5)]);
    assert.deepEqual((loaded.predict(x) as tf.Tensor).arraySync(), (model.predict(x) as tf.Tensor).arraySync());
    // The assembled weight vector puts each entry where the circuit expects it.
    const w = new Array<number>(circuit.weightCount);
    const [trainable, fixed] = [layer.trainableWeights[0].read().dataSync(), layer.nonTrainableWeights[0].read().dataSync()];
    [3, 4, 5].forEach((index, k) => (w[index] = trainable[k]));
    [0, 1, 2].forEach((index, k) => (w[index] = fixed[k]));
    const features = tf.tensor2d([[0.1, 0.2, 0.3]]);
    const direct = simulate(circuit, features, tf.tensor1d(w)).arraySync();
    assert.deepEqual((layer.apply(features) as tf.Tensor2D).arraySync().map((row: number[]) => row.map((v) => Math.round(v * 1e5))), direct.map((row) => row.map((v) => Math.round(v * 1e5))));
    x.dispose();
  });

  it("gradients flow through it to the dense layer before it and to its own weights", () => {
    const model = hybridModel(loadCircuitFile(`${CIRCUITS}bel4.yaml`));
    const x = tf.tensor2d([randomValues(6, 6), randomValues(6, 7)]);
    const { grads } = tf.variableGrads(() => (model.predict(x) as tf.Tensor).square().sum() as tf.Scalar);
    const norms = Object.fromEntries(Object.entries(grads).map(([name, grad]) => [name, grad.norm().dataSync()[0]]));
    const pre = Object.keys(norms).find((name) => name.startsWith("pre/kernel"));
    const quantum = Object.keys(norms).find((name) => name.startsWith("quantum/weights"));
    assert.ok(pre && norms[pre] > 1e-6, `pre kernel gradient ${JSON.stringify(norms)}`);
    assert.ok(quantum && norms[quantum] > 1e-6, `quantum weight gradient ${JSON.stringify(norms)}`);
    tf.dispose([x, ...Object.values(grads)]);
  });

  it("a noisy circuit trains through the density-matrix path and saves like any other", async () => {
    const circuit = loadCircuitFile(`${CIRCUITS}noisy-bel4.yaml`);
    const model = hybridModel(circuit);
    const x = tf.tensor2d([randomValues(6, 8)]);
    const { grads } = tf.variableGrads(() => (model.predict(x) as tf.Tensor).square().sum() as tf.Scalar);
    assert.ok(Object.keys(grads).some((name) => name.startsWith("pre/kernel") && grads[name].norm().dataSync()[0] > 1e-6));
    const loaded = await roundTrip(model);
    assert.deepEqual((loaded.predict(x) as tf.Tensor).arraySync(), (model.predict(x) as tf.Tensor).arraySync());
    tf.dispose([x, ...Object.values(grads)]);
  });

  it("leaves no tensors behind in a forward and backward pass", () => {
    const model = hybridModel(loadCircuitFile(`${CIRCUITS}bel4.yaml`));
    const x = tf.tensor2d([randomValues(6, 9)]);
    (model.predict(x) as tf.Tensor).dispose();
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      (model.predict(x) as tf.Tensor).dispose();
      const { value, grads } = tf.variableGrads(() => (model.predict(x) as tf.Tensor).sum() as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    });
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });

  it("the circuit's text encoding survives tfjs's snake_case round trip unchanged", () => {
    const circuit = loadCircuitFile(`${CIRCUITS}noisy-bel4.yaml`);
    const encoded = encodeCircuit(circuit);
    assert.match(encoded, /^[0-9a-f]+$/);
    assert.deepEqual(decodeCircuit(encoded), circuit);
  });
});
