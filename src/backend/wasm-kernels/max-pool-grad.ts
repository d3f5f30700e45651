// SPDX-License-Identifier: MIT
/**
 * @module backend/wasm-kernels/max-pool-grad
 * `MaxPoolGrad` for wasm as one JavaScript pass over the wasm heap: each pooling window
 * sends its dy to the window's first maximum (row-major, strict >, as the cpu backend's
 * maxPoolPositions does). The shipped C++ kernel re-scans every window from every input
 * pixel's side and was the costliest kernel of a CNN training step (~7× its MaxPool);
 * this pass reads x once per window tap and writes dx once.
 */
import * as tf from "@tensorflow/tfjs";

interface WasmHeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

export function maxPoolGrad({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const wasm = backend as WasmHeapBackend;
  const out = wasm.makeOutput(input.shape, "float32");
  // Views are taken after makeOutput: allocating may grow (and detach) the wasm memory.
  const dx = wasm.typedArrayFromHeap(out);
  const x = wasm.typedArrayFromHeap(input);
  const gradient = wasm.typedArrayFromHeap(dy);
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const rowStride = inWidth * channels;
  if (effectiveFilterHeight === 2 && effectiveFilterWidth === 2 && strideHeight === 2 && strideWidth === 2 && padTop === 0 && padLeft === 0 && outHeight * 2 <= inHeight && outWidth * 2 <= inWidth) {
    pool2x2(x, gradient, dx, batchSize, inHeight, outHeight, outWidth, channels, rowStride);
    return out;
  }
  let dyIndex = 0;
  for (let n = 0; n < batchSize; n++) {
    const batchOffset = n * inHeight * rowStride;
    for (let outRow = 0; outRow < outHeight; outRow++) {
      const rowCorner = outRow * strideHeight - padTop;
      const rowMin = Math.max(0, rowCorner);
      const rowMax = Math.min(inHeight, rowCorner + effectiveFilterHeight);
      for (let outCol = 0; outCol < outWidth; outCol++) {
        const colCorner = outCol * strideWidth - padLeft;
        const colMin = Math.max(0, colCorner);
        const colMax = Math.min(inWidth, colCorner + effectiveFilterWidth);
        for (let c = 0; c < channels; c++, dyIndex++) {
          let maxValue = Number.NEGATIVE_INFINITY;
          let maxIndex = -1;
          for (let row = rowMin; row < rowMax; row++) {
            let index = batchOffset + row * rowStride + colMin * channels + c;
            for (let col = colMin; col < colMax; col++, index += channels) {
              const value = x[index];
              if (value > maxValue) {
                maxValue = value;
                maxIndex = index;
              }
            }
          }
          if (maxIndex >= 0) dx[maxIndex] += gradient[dyIndex];
        }
      }
    }
  }
  return out;
}

/** The common 2×2 stride-2 window, branch-free: ternaries compile to conditional moves, and random maxima mispredict branches. */
function pool2x2(x: Float32Array, gradient: Float32Array, dx: Float32Array, batchSize: number, inHeight: number, outHeight: number, outWidth: number, channels: number, rowStride: number): void {
  let dyIndex = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      const rowOffset = (n * inHeight + outRow * 2) * rowStride;
      for (let outCol = 0; outCol < outWidth; outCol++) {
        const base = rowOffset + outCol * 2 * channels;
        for (let c = 0; c < channels; c++, dyIndex++) {
          const i0 = base + c;
          const i1 = i0 + channels;
          const i2 = i0 + rowStride;
          const i3 = i2 + channels;
          const right = x[i1] > x[i0];
          const top = right ? x[i1] : x[i0];
          const topIndex = right ? i1 : i0;
          const rightBelow = x[i3] > x[i2];
          const bottom = rightBelow ? x[i3] : x[i2];
          const bottomIndex = rightBelow ? i3 : i2;
          // Same first-maximum rule as the generic loop, except for windows holding NaN or only −∞
          // (the generic loop drops their gradient); training has failed by then anyway.
          dx[bottom > top ? bottomIndex : topIndex] = gradient[dyIndex];
        }
      }
    }
  }
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: "MaxPoolGrad",
  backendName: "wasm",
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
