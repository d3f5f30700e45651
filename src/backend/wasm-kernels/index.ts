// SPDX-License-Identifier: MIT
/**
 * @module backend/wasm-kernels
 * Gradient kernels the shipped wasm backend lacks (or has only slowly), built from its
 * fast forward kernels and registered under the wasm backend's name, so that CNNs train
 * on it. Registration is idempotent. threads.ts (initWasmWithThreads) starts the backend on
 * tfjs's multithreaded build under Node.
 */
import * as tf from "@tensorflow/tfjs";
import { conv2dBackpropFilterConfig } from "./conv2d-backprop-filter.js";
import { conv2dBackpropInputConfig } from "./conv2d-backprop-input.js";
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from "./depthwise-backprop.js";
import { matMulConfigs } from "./matmul.js";
import { maxPoolGradConfig } from "./max-pool-grad.js";
import { reluMaxPoolGradConfig } from "./relu-max-pool-grad.js";

export { initWasmWithThreads } from "./threads.js";

/**
 * Kernel configs added to the wasm backend (replacing the shipped one where there is one).
 * Built on demand: the matmul wrappers capture the shipped kernels, which exist only once
 * @tensorflow/tfjs-backend-wasm has been imported.
 */
export function wasmTrainingKernels(): tf.KernelConfig[] {
  return [conv2dBackpropFilterConfig, conv2dBackpropInputConfig, depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig, maxPoolGradConfig, reluMaxPoolGradConfig, ...matMulConfigs()];
}

export function registerWasmTrainingKernels(): string[] {
  const registered: string[] = [];
  for (const config of wasmTrainingKernels()) {
    if (tf.getKernel(config.kernelName, "wasm") !== undefined) tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
