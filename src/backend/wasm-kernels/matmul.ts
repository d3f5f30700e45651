// SPDX-License-Identifier: MIT
/**
 * @module backend/wasm-kernels/matmul
 * `BatchMatMul` and `_FusedMatMul` for wasm that never hand a transposed operand to the
 * shipped kernel: its transposeA / transposeB paths are a naive loop, 10-100× slower than
 * the XNNPACK path (1024² matmul: 0.1 s plain, 1.5 s transposeB, 10 s transposeA), and
 * every dense-layer gradient asks for them. One explicit Transpose is much cheaper.
 */
import * as tf from "@tensorflow/tfjs";
import { KernelCalls } from "./kernel-calls.js";

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };

/** The shipped kernels, captured before ours replace them (registration may run again). */
const shipped = new Map<string, tf.KernelConfig>();

function rememberShipped(kernelName: string): tf.KernelConfig {
  let config = shipped.get(kernelName);
  if (config === undefined) {
    config = tf.getKernel(kernelName, "wasm");
    if (config === undefined) throw new Error(`wasm backend has no ${kernelName} kernel to wrap`);
    shipped.set(kernelName, config);
  }
  return config;
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, axis) => axis);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

function untransposed(kernelName: string): tf.KernelFunc {
  return (({ inputs, backend, attrs }: KernelArgs) => {
    const original = shipped.get(kernelName)!.kernelFunc;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const calls = new KernelCalls(backend);
    try {
      const a = inputs.a as tf.TensorInfo;
      const b = inputs.b as tf.TensorInfo;
      const plainInputs = {
        ...inputs,
        a: transposeA ? calls.transpose(a, swapLastTwo(a.shape.length)) : a,
        b: transposeB ? calls.transpose(b, swapLastTwo(b.shape.length)) : b,
      };
      const result = original({ inputs: plainInputs, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo;
      calls.finish(result);
      return result;
    } catch (error) {
      calls.abandon();
      throw error;
    }
  }) as unknown as tf.KernelFunc;
}

let configs: tf.KernelConfig[] | undefined;

/** Captures the shipped kernels (once) and returns the configs that replace them. */
export function matMulConfigs(): tf.KernelConfig[] {
  return (configs ??= ["BatchMatMul", "_FusedMatMul"].map((kernelName) => {
    // The shipped setupFunc binds the wasm function that `original` calls; keep it so that a
    // re-initialised backend still runs it.
    const { setupFunc } = rememberShipped(kernelName);
    return { kernelName, backendName: "wasm", setupFunc, kernelFunc: untransposed(kernelName) };
  }));
}
