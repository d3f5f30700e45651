// SPDX-License-Identifier: MIT
/**
 * @module train/checkpoint
 * Checkpoints in a run's checkpoints/ folder: epoch-NNNN/ holds the model in the tfjs
 * layers format (model.json + weights.bin, loadable by tf.loadLayersModel), the optimizer's
 * state (optimizer.json + optimizer.bin) and the trainer's (trainer.json); best/ is a copy of
 * the epoch with the best validation accuracy; latest.json names the newest epoch. A
 * checkpoint is written into a temporary folder and renamed into place, so a crash never
 * leaves a half-written one. model.save('file://') needs tfjs-node, so we save through
 * tf.io.withSaveHandler and write the files ourselves.
 */
import * as tf from "@tensorflow/tfjs";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../run/atomic-write.js";
import type { Optimizer } from "./optimizers.js";

export interface TrainerState {
  /** Epochs completed. */
  epoch: number;
  globalStep: number;
  bestValidationAccuracy: number;
  bestEpoch: number;
  epochsWithoutImprovement: number;
  /** Set when Ctrl-C saved in the middle of epoch `epoch + 1`: the steps done and their running sums. */
  partialEpoch?: { steps: number; lossSum: number; correct: number; seen: number; seconds: number };
}

export const epochFolder = (epoch: number): string => `epoch-${String(epoch).padStart(4, "0")}`;

async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  return captured!;
}

function weightBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/** Writes epoch-NNNN/ (and best/ when `isBest`), then latest.json; prunes older epochs unless keepAll. */
export async function saveCheckpoint(
  directory: string,
  model: tf.LayersModel,
  optimizer: Optimizer,
  state: TrainerState,
  options: { isBest: boolean; keepAll: boolean },
): Promise<void> {
  const artifacts = await modelArtifacts(model);
  const name = state.partialEpoch ? `${epochFolder(state.epoch)}-step-${state.partialEpoch.steps}` : epochFolder(state.epoch);
  const temporary = join(directory, `.${name}.${process.pid}.tmp`);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  const modelJson = {
    format: "layers-model",
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: "qhybrid",
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
  };
  writeFileSync(join(temporary, "model.json"), JSON.stringify(modelJson));
  writeFileSync(join(temporary, "weights.bin"), weightBytes(artifacts.weightData));
  const optimizerState = optimizer.state();
  const specs = optimizerState.slots.map((slot) => ({ name: slot.name, shape: slot.shape }));
  const total = optimizerState.slots.reduce((sum, slot) => sum + slot.values.length, 0);
  const packed = new Float32Array(total);
  let offset = 0;
  for (const slot of optimizerState.slots) {
    packed.set(slot.values, offset);
    offset += slot.values.length;
  }
  writeFileSync(join(temporary, "optimizer.json"), JSON.stringify({ settings: optimizer.settings, step: optimizerState.step, slots: specs }));
  writeFileSync(join(temporary, "optimizer.bin"), new Uint8Array(packed.buffer));
  writeFileSync(join(temporary, "trainer.json"), JSON.stringify(state, null, 2));
  const target = join(directory, name);
  rmSync(target, { recursive: true, force: true });
  renameSync(temporary, target);
  if (options.isBest) replaceFolder(target, join(directory, "best"));
  writeFileAtomic(join(directory, "latest.json"), JSON.stringify({ epoch: state.epoch, folder: name }));
  if (!options.keepAll) {
    for (const entry of readdirSync(directory)) {
      if (/^epoch-\d+(-step-\d+)?$/.test(entry) && entry !== name) rmSync(join(directory, entry), { recursive: true, force: true });
    }
  }
}

/** Copies a folder over another one without a moment where neither exists whole. */
function replaceFolder(source: string, target: string): void {
  const staged = `${target}.${process.pid}.tmp`;
  rmSync(staged, { recursive: true, force: true });
  cpSync(source, staged, { recursive: true });
  const old = `${target}.${process.pid}.old`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(staged, target);
  rmSync(old, { recursive: true, force: true });
}

export interface LoadedCheckpoint {
  folder: string;
  state: TrainerState;
  /** Weight tensors in the order of model.weights. */
  weights: tf.Tensor[];
  optimizerState: Parameters<Optimizer["restore"]>[0];
}

/** The newest checkpoint of a run's checkpoints/ folder, its best/, or a named checkpoint folder. */
export function loadCheckpoint(directory: string, which: "latest" | "best" | string = "latest"): LoadedCheckpoint {
  let folder: string;
  if (which === "best") folder = join(directory, "best");
  else if (which !== "latest") folder = which;
  else {
    const latestPath = join(directory, "latest.json");
    if (!existsSync(latestPath)) throw new UserError(`${directory}: no checkpoint to resume from (no latest.json)`);
    folder = join(directory, (JSON.parse(readFileSync(latestPath, "utf8")) as { folder: string }).folder);
  }
  if (!existsSync(join(folder, "model.json"))) throw new UserError(`${folder}: not a checkpoint (no model.json)`);
  const modelJson = JSON.parse(readFileSync(join(folder, "model.json"), "utf8")) as { weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const specs = modelJson.weightsManifest[0].weights;
  const bytes = readFileSync(join(folder, "weights.bin"));
  const named = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), specs);
  const weights = specs.map((spec) => named[spec.name]);
  const optimizerJson = JSON.parse(readFileSync(join(folder, "optimizer.json"), "utf8")) as { step: number; slots: { name: string; shape: number[] }[] };
  const optimizerBytes = readFileSync(join(folder, "optimizer.bin"));
  const packed = new Float32Array(optimizerBytes.buffer.slice(optimizerBytes.byteOffset, optimizerBytes.byteOffset + optimizerBytes.byteLength));
  let offset = 0;
  const slots = optimizerJson.slots.map((slot) => {
    const size = slot.shape.reduce((a, b) => a * b, 1);
    const values = packed.slice(offset, offset + size);
    offset += size;
    return { ...slot, values };
  });
  const state = JSON.parse(readFileSync(join(folder, "trainer.json"), "utf8")) as TrainerState;
  return { folder, state, weights, optimizerState: { step: optimizerJson.step, slots } };
}

/** Sets a freshly built model's weights from a checkpoint, checking that the shapes agree. */
export function restoreWeights(model: tf.LayersModel, weights: tf.Tensor[], source: string): void {
  const expected = model.weights;
  if (expected.length !== weights.length) {
    throw new UserError(`${source}: the checkpoint holds ${weights.length} weight tensors, the model built from the config has ${expected.length}`);
  }
  expected.forEach((weight, index) => {
    if (weight.shape.join("x") !== weights[index].shape.join("x")) {
      throw new UserError(`${source}: weight ${weight.name} has shape [${weights[index].shape}] in the checkpoint, [${weight.shape}] in the model`);
    }
  });
  model.setWeights(weights);
}
