// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../../src/random.js";
import { assertClose, assertSameOnBothBackends, initBackends, randomTensor, runKernel, runOn, type HostTensor } from "./backends.js";

type Pad = "same" | "valid" | [[number, number], [number, number], [number, number], [number, number]];

const GEOMETRIES: { strides: [number, number]; pad: Pad; multiplier: number }[] = [
  { strides: [1, 1], pad: "same", multiplier: 1 },
  { strides: [1, 1], pad: "valid", multiplier: 2 },
  { strides: [2, 2], pad: "same", multiplier: 3 },
  { strides: [2, 1], pad: "valid", multiplier: 1 },
  { strides: [3, 3], pad: [[0, 0], [1, 2], [0, 1], [0, 0]], multiplier: 2 },
  { strides: [1, 2], pad: [[0, 0], [2, 0], [0, 0], [0, 0]], multiplier: 1 },
];

/** A dilated filter written out with its zeros: what the cpu kernels (which ignore dilations) can run. */
function dilateFilter(filter: HostTensor, dilation: number): HostTensor {
  const [kh, kw, c, m] = filter.shape;
  const shape = [(kh - 1) * dilation + 1, (kw - 1) * dilation + 1, c, m];
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let k = 0; k < c * m; k++) values[((a * dilation) * shape[1] + b * dilation) * c * m + k] = filter.values[(a * kw + b) * c * m + k];
  return { values, shape };
}

function undilateFilter(filter: HostTensor, dilation: number, kh: number, kw: number): HostTensor {
  const [, width, c, m] = filter.shape;
  const values = new Float32Array(kh * kw * c * m);
  for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) for (let k = 0; k < c * m; k++) values[(a * kw + b) * c * m + k] = filter.values[((a * dilation) * width + b * dilation) * c * m + k];
  return { values, shape: [kh, kw, c, m] };
}

describe("wasm DepthwiseConv2dNative backprops", () => {
  before(initBackends);

  it("give the cpu backend's filter and input gradients on seeded shapes, strides, paddings and channel multipliers", () => {
    const random = new Random(31);
    for (const { strides, pad, multiplier } of GEOMETRIES) {
      const [n, h, w, c, kh, kw] = [1 + random.integer(3), 5 + random.integer(6), 5 + random.integer(6), 1 + random.integer(4), 1 + random.integer(3), 1 + random.integer(3)];
      const info = tf.backend_util.computeConv2DInfo([n, h, w, c], [kh, kw, c, multiplier], strides, 1, pad, undefined, true);
      const x = randomTensor(random, [n, h, w, c]);
      const filter = randomTensor(random, [kh, kw, c, multiplier]);
      const dy = randomTensor(random, info.outShape);
      const label = `${n}×${h}×${w}×${c}·${multiplier} k${kh},${kw} s${strides} pad ${JSON.stringify(pad)}`;
      const common = { strides, pad, dilations: [1, 1] };
      assertSameOnBothBackends([x, dy], (xs, dys) => runKernel("DepthwiseConv2dNativeBackpropFilter", { x: xs, dy: dys }, { ...common, filterShape: filter.shape }), `filter ${label}`);
      assertSameOnBothBackends([dy, filter], (dys, f) => runKernel("DepthwiseConv2dNativeBackpropInput", { dy: dys, filter: f }, { ...common, inputShape: x.shape }), `input ${label}`);
    }
  });

  it("handle dilations: the gradients of the zero-filled dilated filter, computed on cpu", () => {
    const random = new Random(32);
    for (const [dilation, pad] of [[2, "same"], [3, "valid"], [2, [[0, 0], [1, 3], [2, 0], [0, 0]]]] as [number, Pad][]) {
      const [n, h, w, c, m, kh, kw] = [2, 11, 10, 3, 2, 3, 2];
      const filter = randomTensor(random, [kh, kw, c, m]);
      const dilated = dilateFilter(filter, dilation);
      const info = tf.backend_util.computeConv2DInfo([n, h, w, c], dilated.shape as [number, number, number, number], 1, 1, pad, undefined, true);
      const x = randomTensor(random, [n, h, w, c]);
      const dy = randomTensor(random, info.outShape);
      const label = `dilation ${dilation} pad ${JSON.stringify(pad)}`;
      const wasmFilterGrad = runOn("wasm", [x, dy], (xs, dys) => runKernel("DepthwiseConv2dNativeBackpropFilter", { x: xs, dy: dys }, { strides: 1, pad, dilations: dilation, filterShape: filter.shape }));
      const cpuFilterGrad = runOn("cpu", [x, dy], (xs, dys) => runKernel("DepthwiseConv2dNativeBackpropFilter", { x: xs, dy: dys }, { strides: 1, pad, dilations: 1, filterShape: dilated.shape }));
      assertClose(wasmFilterGrad, undilateFilter(cpuFilterGrad, dilation, kh, kw), `filter ${label}`);
      const wasmInputGrad = runOn("wasm", [dy, filter], (dys, f) => runKernel("DepthwiseConv2dNativeBackpropInput", { dy: dys, filter: f }, { strides: 1, pad, dilations: dilation, inputShape: x.shape }));
      const cpuInputGrad = runOn("cpu", [dy, dilated], (dys, f) => runKernel("DepthwiseConv2dNativeBackpropInput", { dy: dys, filter: f }, { strides: 1, pad, dilations: 1, inputShape: x.shape }));
      assertClose(wasmInputGrad, cpuInputGrad, `input ${label}`);
    }
  });

  it("give tf.grad of a depthwise convolution the cpu backend's gradients", () => {
    const random = new Random(33);
    const x = randomTensor(random, [2, 9, 8, 3]);
    const filter = randomTensor(random, [3, 3, 3, 2]);
    for (const wrt of [0, 1]) {
      assertSameOnBothBackends([x, filter], (xs, f) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same"))))([xs, f])[wrt], `grad ${wrt}`);
    }
  });
});
