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
 */
import * as tf from "@tensorflow/tfjs";
import { KernelCalls, cropForNegativePads } from "./kernel-calls.js";

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

/** Shared with nothing else, but kept apart from the attribute plumbing for reading. */
function filterGradient(calls: KernelCalls, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const xByChannel = calls.transpose(x, [3, 1, 2, 0]);
  const dyAsFilter = calls.transpose(dy, [1, 2, 0, 3]);
  const spanHeight = (filterHeight - 1) * dilationHeight + (outHeight - 1) * strideHeight + 1;
  const spanWidth = (filterWidth - 1) * dilationWidth + (outWidth - 1) * strideWidth + 1;
  const { x: input, pads } = cropForNegativePads(calls, xByChannel, {
    top: info.padInfo.top,
    bottom: spanHeight - inHeight - info.padInfo.top,
    left: info.padInfo.left,
    right: spanWidth - inWidth - info.padInfo.left,
  });
  const gradient = calls.conv2d(input, dyAsFilter, [dilationHeight, dilationWidth], [strideHeight, strideWidth], pads);
  return calls.transpose(gradient, [1, 2, 0, 3]);
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "Conv2DBackpropFilter",
  backendName: "wasm",
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
