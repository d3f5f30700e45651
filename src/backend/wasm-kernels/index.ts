// SPDX-License-Identifier: MIT
/**
 * @module backend/wasm-kernels
 * Gradient kernels the shipped wasm backend lacks (or has only slowly), built from its
 * fast forward kernels and registered under the wasm backend's name, so that CNNs train
 * on it. Registration is idempotent.
 */
import * as tf from "@tensorflow/tfjs";

/** Kernel configs added to the wasm backend, filled by the kernel modules of this folder. */
const WASM_TRAINING_KERNELS: tf.KernelConfig[] = [];

export function registerWasmTrainingKernels(): string[] {
  const registered: string[] = [];
  for (const config of WASM_TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, "wasm") !== undefined) tf.unregisterKernel(config.kernelName, "wasm");
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}
