// SPDX-License-Identifier: MIT
/**
 * @module test/backend/wasm-kernels/backends
 * Runs the same kernel on the wasm backend (with qhybrid's training kernels) and on the
 * cpu backend, from the same host data, and compares the results.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import assert from "node:assert/strict";
import { registerWasmTrainingKernels } from "../../../src/backend/wasm-kernels/index.js";
import { initWasmWithThreads } from "../../../src/backend/wasm-kernels/threads.js";
import { Random } from "../../../src/random.js";

/** Relative to the largest reference magnitude (float32 sums of up to ~10⁴ terms in different orders). */
export const TOL = Number(process.env.TOL ?? 2e-5);

let ready: Promise<void> | undefined;

export function initBackends(): Promise<void> {
  ready ??= (async () => {
    tf.enableProdMode();
    // QHYBRID_TEST_WASM_THREADS=2 runs every wasm comparison on the multithreaded build.
    const threads = Number(process.env.QHYBRID_TEST_WASM_THREADS ?? 1);
    if (threads > 1) await initWasmWithThreads(threads);
    else await tf.setBackend("wasm");
    await tf.ready();
    registerWasmTrainingKernels();
  })();
  return ready;
}

export interface HostTensor {
  values: Float32Array;
  shape: number[];
}

export function randomTensor(random: Random, shape: number[], levels?: number): HostTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  // `levels` quantises the values so that pooling windows see ties.
  const values = Float32Array.from({ length: size }, () => (levels ? random.integer(levels) - levels / 2 : random.normal()));
  return { values, shape };
}

/** Runs `body` on `backend` with fresh tensors made from `inputs` and returns the result's values and shape. */
export function runOn(backend: "wasm" | "cpu", inputs: HostTensor[], body: (...tensors: tf.Tensor[]) => tf.Tensor | tf.TensorInfo): HostTensor {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const tensors = inputs.map((input) => tf.tensor(input.values, input.shape, "float32"));
      const output = body(...tensors);
      const tensor = output instanceof tf.Tensor ? output : tf.engine().makeTensorFromTensorInfo(output);
      return { values: tensor.dataSync() as Float32Array, shape: tensor.shape };
    });
  } finally {
    tf.setBackend(previous);
  }
}

export function runKernel(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor {
  return tf.engine().runKernel(kernelName, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
}

/** Largest |actual − expected| must be ≤ TOL · max(1, max |expected|). */
export function assertClose(actual: HostTensor, expected: HostTensor, label: string, tolerance = TOL): void {
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < expected.values.length; i++) {
    scale = Math.max(scale, Math.abs(expected.values[i]));
    worst = Math.max(worst, Math.abs(actual.values[i] - expected.values[i]));
  }
  assert.ok(worst <= tolerance * scale, `${label}: max |wasm − cpu| = ${worst} > ${tolerance} × ${scale}`);
}

/** Both backends, same inputs, same kernel. */
export function assertSameOnBothBackends(inputs: HostTensor[], body: (...tensors: tf.Tensor[]) => tf.Tensor, label: string, tolerance = TOL): void {
  assertClose(runOn("wasm", inputs, body), runOn("cpu", inputs, body), label, tolerance);
}
