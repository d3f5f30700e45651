// SPDX-License-Identifier: MIT
/**
 * @module test/backend/wasm-kernels/threads-child
 * Run by threads.test.ts in a process of its own (a backend initialises once per process):
 * prints the XNNPACK thread count and a threaded conv2d's gradient sums as one JSON line.
 */
import * as tf from "@tensorflow/tfjs";
import { initWasmWithThreads } from "../../../src/backend/wasm-kernels/threads.js";
import { registerWasmTrainingKernels } from "../../../src/backend/wasm-kernels/index.js";

const threads = await initWasmWithThreads(2);
registerWasmTrainingKernels();
const x = tf.tensor4d(Float32Array.from({ length: 4 * 9 * 9 * 3 }, (_, i) => Math.sin(i)), [4, 9, 9, 3]);
const filter = tf.tensor4d(Float32Array.from({ length: 3 * 3 * 3 * 5 }, (_, i) => Math.cos(i)), [3, 3, 3, 5]);
const [dx, dFilter] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same"))))([x, filter]);
process.stdout.write(`${JSON.stringify({ backend: tf.getBackend(), threads, dx: Array.from(dx.dataSync()), dFilter: Array.from(dFilter.dataSync()) })}\n`);
