// SPDX-License-Identifier: MIT
/**
 * @module backend/wasm-kernels/conv2d-backprop-filter
 * `Conv2DBackpropFilter` for wasm (tfjs-backend-wasm 4.22 has none) as one forward
 * convolution of transposed tensors, so that XNNPACK's convolution does the work:
 *
 *   dW[a,b,ci,co] = Σ_{n,i,j} x[n, i·s + a·d − padTop, j·s + b·d − padLeft, ci] · dy[n,i,j,co]
 *
 * is a convolution whose batch is ci (x as [Ci,H,W,N]), whose input channels are n, whose
 * filter is dy as [Ho,Wo,N,Co] and whose output pixels are the filter taps (a,b): the forward
 * stride s becomes the dilation and the forward dilation d the stride.
 *
 * XNNPACK repacks a convolution's filter whenever it changes, and here the filter is dy:
 * when the filter is thin (kh·kw·Ci small, the first layer of an image network) that repack
 * costs more than the arithmetic. Then the patches are gathered instead (im2col, as a
 * convolution with a constant one-hot filter, which XNNPACK packs once) and dW is one matmul
 * patchesᵀ·dy.
 */
import * as tf from "@tensorflow/tfjs";
import { KernelCalls, filterGradientInput } from "./kernel-calls.js";

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilter({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as BackpropFilterAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const calls = new KernelCalls(backend);
  try {
    const nhwcX = format === "channelsLast" ? x : calls.transpose(x, [0, 2, 3, 1]);
    const nhwcDy = format === "channelsLast" ? dy : calls.transpose(dy, [0, 2, 3, 1]);
    return calls.finish(filterGradient(calls, nhwcX, nhwcDy, info));
  } catch (error) {
    calls.abandon();
    throw error;
  }
}

function filterGradient(calls: KernelCalls, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const patchSize = info.filterHeight * info.filterWidth * info.inChannels;
  if (patchSize <= info.outChannels && explicitPaddingKeepsOutputSize(info)) return filterGradientByPatches(calls, x, dy, info);
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const xByChannel = calls.transpose(x, [3, 1, 2, 0]);
  const dyAsFilter = calls.transpose(dy, [1, 2, 0, 3]);
  const { x: input, pads } = filterGradientInput(calls, xByChannel, info);
  const gradient = calls.conv2d(input, dyAsFilter, [dilationHeight, dilationWidth], [strideHeight, strideWidth], pads);
  return calls.transpose(gradient, [1, 2, 0, 3]);
}

/** False where a rounding mode other than floor decided the output size. */
function explicitPaddingKeepsOutputSize(info: tf.backend_util.Conv2DInfo): boolean {
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth, padInfo } = info;
  return (
    Math.floor((inHeight + padInfo.top + padInfo.bottom - effectiveFilterHeight) / strideHeight) + 1 === outHeight &&
    Math.floor((inWidth + padInfo.left + padInfo.right - effectiveFilterWidth) / strideWidth) + 1 === outWidth
  );
}

/** One-hot [kh, kw, Ci, kh·kw·Ci] filters per backend, kept for the process (a few KiB each). */
const patchFilters = new WeakMap<tf.KernelBackend, Map<string, tf.TensorInfo>>();

function patchFilter(backend: tf.KernelBackend, filterHeight: number, filterWidth: number, inChannels: number): tf.TensorInfo {
  let cache = patchFilters.get(backend);
  if (cache === undefined) patchFilters.set(backend, (cache = new Map()));
  const key = `${filterHeight}×${filterWidth}×${inChannels}`;
  let filter = cache.get(key);
  if (filter === undefined) {
    const size = filterHeight * filterWidth * inChannels;
    const values = new Float32Array(size * size);
    for (let i = 0; i < size; i++) values[i * size + i] = 1;
    const shape = [filterHeight, filterWidth, inChannels, size];
    // Written straight to the backend: not an engine tensor, so no tidy scope can free it.
    filter = { dataId: backend.write(values, shape, "float32"), shape, dtype: "float32" };
    cache.set(key, filter);
  }
  return filter;
}

function filterGradientByPatches(calls: KernelCalls, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { filterHeight, filterWidth, inChannels, outChannels, strideHeight, strideWidth, dilationHeight, dilationWidth, padInfo } = info;
  const patchSize = filterHeight * filterWidth * inChannels;
  const patches = calls.conv2d(x, patchFilter(calls.backend, filterHeight, filterWidth, inChannels), [strideHeight, strideWidth], [dilationHeight, dilationWidth], padInfo);
  const rows = patches.shape[0] * patches.shape[1] * patches.shape[2];
  // dWᵀ = dyᵀ·patches rather than patchesᵀ·dy: XNNPACK packs the right-hand operand afresh
  // (~4 ns a float), so the narrower of the two (patchSize ≤ outChannels columns) goes there.
  const transposed = calls.run("BatchMatMul", { a: calls.reshape(dy, [rows, outChannels]), b: calls.reshape(patches, [rows, patchSize]) }, { transposeA: true, transposeB: false });
  return calls.reshape(calls.transpose(transposed, [1, 0]), [filterHeight, filterWidth, inChannels, outChannels]);
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
