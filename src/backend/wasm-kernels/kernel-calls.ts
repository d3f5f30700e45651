// SPDX-License-Identifier: MIT
/**
 * @module backend/wasm-kernels/kernel-calls
 * Calls the wasm backend's own kernels directly from inside another kernel (no tf ops, so
 * nothing is recorded on the gradient tape and no engine scope is opened), and frees every
 * intermediate when the composite kernel is done. Hot path: no validation beyond what the
 * called kernels do.
 */
import * as tf from "@tensorflow/tfjs";

type Attrs = Record<string, unknown>;

export class KernelCalls {
  private readonly temporaries: tf.TensorInfo[] = [];

  constructor(readonly backend: tf.KernelBackend) {}

  run(kernelName: string, inputs: Record<string, tf.TensorInfo>, attrs: Attrs = {}): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, "wasm");
    if (kernel === undefined) throw new Error(`wasm backend has no ${kernelName} kernel`);
    const output = kernel.kernelFunc({ inputs, backend: this.backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    this.temporaries.push(output);
    return output;
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run("Transpose", { x }, { perm });
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  pad(x: tf.TensorInfo, paddings: [number, number][]): tf.TensorInfo {
    return this.run("PadV2", { x }, { paddings, constantValue: 0 });
  }

  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    return this.run("Slice", { x }, { begin, size });
  }

  sum(x: tf.TensorInfo, axis: number[]): tf.TensorInfo {
    return this.run("Sum", { x }, { axis, keepDims: false });
  }

  /** NHWC forward convolution with explicit padding (all of it ≥ 0). */
  conv2d(x: tf.TensorInfo, filter: tf.TensorInfo, strides: [number, number], dilations: [number, number], pads: Pads): tf.TensorInfo {
    return this.run("Conv2D", { x, filter }, { strides, dilations, pad: explicitPad(pads), dataFormat: "NHWC", dimRoundingMode: undefined });
  }

  depthwiseConv2d(x: tf.TensorInfo, filter: tf.TensorInfo, strides: [number, number], dilations: [number, number], pads: Pads): tf.TensorInfo {
    return this.run("DepthwiseConv2dNative", { x, filter }, { strides, dilations, pad: explicitPad(pads), dataFormat: "NHWC", dimRoundingMode: undefined });
  }

  /** Frees every intermediate but `result`, which the engine then owns. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const info of this.temporaries) if (info !== result) this.backend.disposeData(info.dataId);
    this.temporaries.length = 0;
    return result;
  }

  /** Frees every intermediate (on the error path). */
  abandon(): void {
    for (const info of this.temporaries) this.backend.disposeData(info.dataId);
    this.temporaries.length = 0;
  }
}

/** Rows and columns of zeros added before and after; negative means "crop that many". */
export interface Pads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

function explicitPad(pads: Pads): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [pads.top, pads.bottom],
    [pads.left, pads.right],
    [0, 0],
  ];
}

/**
 * Crops `x` (NHWC) where a pad is negative, so that the remaining pads are all ≥ 0: the
 * convolutions below express "this input row never meets the filter" as negative padding.
 */
export function cropForNegativePads(calls: KernelCalls, x: tf.TensorInfo, pads: Pads): { x: tf.TensorInfo; pads: Pads } {
  const cropTop = Math.max(0, -pads.top);
  const cropBottom = Math.max(0, -pads.bottom);
  const cropLeft = Math.max(0, -pads.left);
  const cropRight = Math.max(0, -pads.right);
  if (cropTop + cropBottom + cropLeft + cropRight === 0) return { x, pads };
  const [n, h, w, c] = x.shape;
  const cropped = calls.slice(x, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  return {
    x: cropped,
    pads: { top: pads.top + cropTop, bottom: pads.bottom + cropBottom, left: pads.left + cropLeft, right: pads.right + cropRight },
  };
}

/**
 * The input of a filter gradient computed as a forward convolution (the forward stride
 * becoming the dilation and dy the filter): the forward padding on top and left, and
 * whatever makes the input span exactly (kh − 1)·dh + (Ho − 1)·sh + 1 rows (likewise
 * columns) on bottom and right, negative pads cropped away.
 */
export function filterGradientInput(calls: KernelCalls, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): { x: tf.TensorInfo; pads: Pads } {
  const spanHeight = (info.filterHeight - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1;
  const spanWidth = (info.filterWidth - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1;
  return cropForNegativePads(calls, x, {
    top: info.padInfo.top,
    bottom: spanHeight - info.inHeight - info.padInfo.top,
    left: info.padInfo.left,
    right: spanWidth - info.inWidth - info.padInfo.left,
  });
}

/**
 * Inserts `stride − 1` zeros between neighbouring rows and columns of `dy` (NHWC), plus
 * `stride − 1` trailing ones that callers count as padding: [N, Ho·sh, Wo·sw, C].
 */
export function zeroUpsample(calls: KernelCalls, dy: tf.TensorInfo, strideHeight: number, strideWidth: number): tf.TensorInfo {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = calls.reshape(dy, [n, h, 1, w, 1, c]);
  const padded = calls.pad(spread, [
    [0, 0],
    [0, 0],
    [0, strideHeight - 1],
    [0, 0],
    [0, strideWidth - 1],
    [0, 0],
  ]);
  return calls.reshape(padded, [n, h * strideHeight, w * strideWidth, c]);
}
