// SPDX-License-Identifier: MIT
/**
 * @module backend/wasm-kernels/depthwise-backprop
 * `DepthwiseConv2dNativeBackpropFilter` and `DepthwiseConv2dNativeBackpropInput` for wasm
 * (4.22 has neither), each one XNNPACK depthwise forward convolution plus reshapes:
 *
 * - filter: every (n, c) pair becomes its own channel of a batch-1 image (x as
 *   [1,H,W,N·Ci]); dy as the [Ho,Wo,N·Ci,m] filter, dilated by the forward stride, yields
 *   one [kh,kw] map per (n, c, q), summed over n.
 * - input: dy (zero-upsampled for stride > 1) against the spatially flipped filter, one
 *   channel per (c, q), summed over the channel multiplier q.
 */
import * as tf from "@tensorflow/tfjs";
import { inputGradient } from "./conv2d-backprop-input.js";
import { KernelCalls, filterGradientInput } from "./kernel-calls.js";

interface DepthwiseBackpropAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };

function withCalls(backend: tf.KernelBackend, body: (calls: KernelCalls) => tf.TensorInfo): tf.TensorInfo {
  const calls = new KernelCalls(backend);
  try {
    return calls.finish(body(calls));
  } catch (error) {
    calls.abandon();
    throw error;
  }
}

export function depthwiseBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseBackpropAttrs & { filterShape: [number, number, number, number] };
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations ?? 1, pad, dimRoundingMode, true);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const multiplier = filterShape[3];
  return withCalls(backend, (calls) => {
    const pairsAsChannels = calls.reshape(calls.transpose(x, [1, 2, 0, 3]), [1, inHeight, inWidth, batchSize * inChannels]);
    const dyAsFilter = calls.reshape(calls.transpose(dy, [1, 2, 0, 3]), [outHeight, outWidth, batchSize * inChannels, multiplier]);
    const { x: input, pads } = filterGradientInput(calls, pairsAsChannels, info);
    const perPair = calls.depthwiseConv2d(input, dyAsFilter, [dilationHeight, dilationWidth], [strideHeight, strideWidth], pads);
    const summed = calls.sum(calls.reshape(perPair, [filterHeight, filterWidth, batchSize, inChannels * multiplier]), [2]);
    return calls.reshape(summed, filterShape);
  });
}

export function depthwiseBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseBackpropAttrs & { inputShape: [number, number, number, number] };
  const filterShape = filter.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, dilations ?? 1, pad, dimRoundingMode, true);
  const [filterHeight, filterWidth, inChannels, multiplier] = filterShape;
  return withCalls(backend, (calls) => {
    const flipped = calls.reshape(calls.run("Reverse", { x: filter }, { dims: [0, 1] }), [filterHeight, filterWidth, inChannels * multiplier, 1]);
    const perChannel = inputGradient(calls, dy, flipped, info, true);
    if (multiplier === 1) return perChannel;
    const [n, h, w] = perChannel.shape;
    return calls.sum(calls.reshape(perChannel, [n, h, w, inChannels, multiplier]), [4]);
  });
}

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: "DepthwiseConv2dNativeBackpropFilter",
  backendName: "wasm",
  kernelFunc: depthwiseBackpropFilter as unknown as tf.KernelFunc,
};

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: "DepthwiseConv2dNativeBackpropInput",
  backendName: "wasm",
  kernelFunc: depthwiseBackpropInput as unknown as tf.KernelFunc,
};
