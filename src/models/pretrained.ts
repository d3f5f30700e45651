// SPDX-License-Identifier: MIT
/**
 * @module models/pretrained
 * Initialises a model from a local file in the tfjs layers format (model.json plus its
 * weight shards, as written by tfjs, by `tensorflowjs_converter` from Keras, or by our own
 * checkpoints): every weight whose name (`layer/weight`) and shape match is copied; the
 * head and anything else unmatched keep their fresh initialisation. No hub downloads.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { UserError } from "../errors.js";

/** `conv_0/kernel_1` → `conv_0/kernel`: tfjs uniquifies variable names within a process. */
function baseName(name: string): string {
  return name.replace(/_\d+$/, "");
}

/** Copies matching weights from `path` into `model`; returns how many tensors were copied. */
export function loadPretrainedWeights(model: tf.LayersModel, path: string): { copied: number; total: number } {
  if (!existsSync(path)) throw new UserError(`model.weights: ${path}: no such file`);
  let manifest: { weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    manifest = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UserError(`model.weights: ${path}: not JSON (${(error as Error).message.split("\n")[0]})`);
  }
  if (!Array.isArray(manifest.weightsManifest)) throw new UserError(`model.weights: ${path}: no weightsManifest (expected a tfjs layers-format model.json)`);
  const named: Record<string, tf.Tensor> = {};
  for (const group of manifest.weightsManifest) {
    const buffers = group.paths.map((shard) => {
      const file = join(dirname(path), shard);
      if (!existsSync(file)) throw new UserError(`model.weights: ${path}: weight shard ${file} is missing`);
      const bytes = readFileSync(file);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    });
    Object.assign(named, tf.io.decodeWeights(tf.io.CompositeArrayBuffer.join(buffers), group.weights));
  }
  const byBase = new Map(Object.entries(named).map(([name, tensor]) => [baseName(name), tensor]));
  let copied = 0;
  for (const layer of model.layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const values = layer.getWeights();
    let changed = false;
    weights.forEach((weight, index) => {
      const source = byBase.get(baseName(weight.originalName)) ?? byBase.get(baseName(weight.name));
      if (source !== undefined && source.shape.join("x") === weight.shape.join("x")) {
        values[index] = source;
        changed = true;
        copied++;
      }
    });
    if (changed) layer.setWeights(values);
  }
  if (copied === 0) throw new UserError(`model.weights: ${path}: no weight matches the model by name and shape`);
  tf.dispose(Object.values(named));
  return { copied, total: model.weights.length };
}
