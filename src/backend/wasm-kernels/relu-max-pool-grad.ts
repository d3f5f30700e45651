// SPDX-License-Identifier: MIT
/**
 * @module backend/wasm-kernels/relu-max-pool-grad
 * `QhybridReluMaxPoolGrad`: the backward pass of bias → ReLU → max-pool in one JavaScript
 * pass over the wasm heap, for the fused CNN block of src/backend/train-step.ts. Inputs
 * dy (gradient of the pooled output), conv (the ReLU output, NHWC) and pooled; outputs
 * dZ (gradient of the pre-activation, conv's shape) and dBias (per channel). Each window
 * sends dy to its first maximum (the cpu backend's rule) when that maximum is > 0 (ReLU).
 * Hot path: no validation; 2×2 stride-2 windows get a branch-free fast path.
 */
import * as tf from "@tensorflow/tfjs";

interface WasmHeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

export const RELU_MAX_POOL_GRAD = "QhybridReluMaxPoolGrad";

export interface ReluMaxPoolGradAttrs {
  /** Square window, stride equal to the window, 'valid' padding. */
  pool: number;
}

export function reluMaxPoolGrad({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { dy, conv } = inputs as { dy: tf.TensorInfo; conv: tf.TensorInfo };
  const { pool } = attrs as unknown as ReluMaxPoolGradAttrs;
  const wasm = backend as WasmHeapBackend;
  const [batch, height, width, channels] = conv.shape;
  const [, outHeight, outWidth] = dy.shape;
  const dzInfo = wasm.makeOutput(conv.shape, "float32");
  const dBiasInfo = wasm.makeOutput([channels], "float32");
  const dz = wasm.typedArrayFromHeap(dzInfo);
  const dBias = wasm.typedArrayFromHeap(dBiasInfo);
  const x = wasm.typedArrayFromHeap(conv);
  const gradient = wasm.typedArrayFromHeap(dy);
  dz.fill(0);
  const biasSums = new Float64Array(channels);
  const rowStride = width * channels;
  let dyIndex = 0;
  for (let n = 0; n < batch; n++) {
    const batchOffset = n * height * rowStride;
    for (let outRow = 0; outRow < outHeight; outRow++) {
      const rowOffset = batchOffset + outRow * pool * rowStride;
      for (let outCol = 0; outCol < outWidth; outCol++) {
        const base = rowOffset + outCol * pool * channels;
        if (pool === 2) {
          for (let c = 0; c < channels; c++, dyIndex++) {
            // Ternaries rather than ifs: V8 emits conditional moves, and random maxima mispredict.
            const i0 = base + c;
            const i1 = i0 + channels;
            const i2 = i0 + rowStride;
            const i3 = i2 + channels;
            const v0 = x[i0];
            const v1 = x[i1];
            const v2 = x[i2];
            const v3 = x[i3];
            const right = v1 > v0;
            const top = right ? v1 : v0;
            const topIndex = right ? i1 : i0;
            const rightBelow = v3 > v2;
            const bottom = rightBelow ? v3 : v2;
            const bottomIndex = rightBelow ? i3 : i2;
            const lower = bottom > top;
            const max = lower ? bottom : top;
            const g = max > 0 ? gradient[dyIndex] : 0;
            dz[lower ? bottomIndex : topIndex] = g;
            biasSums[c] += g;
          }
        } else {
          for (let c = 0; c < channels; c++, dyIndex++) {
            let max = Number.NEGATIVE_INFINITY;
            let maxIndex = base + c;
            for (let row = 0; row < pool; row++) {
              let index = base + row * rowStride + c;
              for (let col = 0; col < pool; col++, index += channels) {
                if (x[index] > max) {
                  max = x[index];
                  maxIndex = index;
                }
              }
            }
            const g = max > 0 ? gradient[dyIndex] : 0;
            dz[maxIndex] = g;
            biasSums[c] += g;
          }
        }
      }
    }
  }
  dBias.set(biasSums);
  return [dzInfo, dBiasInfo];
}

export const reluMaxPoolGradConfig: tf.KernelConfig = {
  kernelName: RELU_MAX_POOL_GRAD,
  backendName: "wasm",
  kernelFunc: reluMaxPoolGrad as unknown as tf.KernelFunc,
};
