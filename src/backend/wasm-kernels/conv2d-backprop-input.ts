// SPDX-License-Identifier: MIT
/**
 * @module backend/wasm-kernels/conv2d-backprop-input
 * `Conv2DBackpropInput` for wasm as one XNNPACK forward convolution (the shipped kernel is a
 * scalar loop, ~10× slower than the forward pass): dy, zero-upsampled when the stride is > 1,
 * convolved with the spatially flipped filter whose in and out channels are swapped.
 *
 *   dx[n,y,x,ci] = Σ_{a,b,co} U[n, y + padTop − a·d, x + padLeft − b·d, co] · W[a,b,ci,co]
 *
 * where U is dy with s − 1 zeros between neighbours. Also serves `conv2dTranspose`.
 */
import * as tf from "@tensorflow/tfjs";
import { KernelCalls, cropForNegativePads, zeroUpsample } from "./kernel-calls.js";

interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
}

export function conv2dBackpropInput({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as BackpropInputAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  const calls = new KernelCalls(backend);
  try {
    const nhwcDy = format === "channelsLast" ? dy : calls.transpose(dy, [0, 2, 3, 1]);
    const flipped = calls.transpose(calls.run("Reverse", { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
    const dx = inputGradient(calls, nhwcDy, flipped, info, false);
    return calls.finish(format === "channelsLast" ? dx : calls.transpose(dx, [0, 3, 1, 2]));
  } catch (error) {
    calls.abandon();
    throw error;
  }
}

/**
 * The input gradient of a (depthwise when `depthwise`) convolution, given `flippedFilter`
 * already flipped in space and laid out as the forward filter of the transposed convolution.
 */
export function inputGradient(calls: KernelCalls, dy: tf.TensorInfo, flippedFilter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, depthwise: boolean): tf.TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const upsampled = zeroUpsample(calls, dy, strideHeight, strideWidth);
  const top = (filterHeight - 1) * dilationHeight - info.padInfo.top;
  const left = (filterWidth - 1) * dilationWidth - info.padInfo.left;
  const { x: input, pads } = cropForNegativePads(calls, upsampled, {
    top,
    bottom: inHeight + info.padInfo.top - outHeight * strideHeight,
    left,
    right: inWidth + info.padInfo.left - outWidth * strideWidth,
  });
  const dilations: [number, number] = [dilationHeight, dilationWidth];
  return depthwise ? calls.depthwiseConv2d(input, flippedFilter, [1, 1], dilations, pads) : calls.conv2d(input, flippedFilter, [1, 1], dilations, pads);
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropInput",
  backendName: "wasm",
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};
