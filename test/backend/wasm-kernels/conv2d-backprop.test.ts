// SPDX-License-Identifier: MIT
import * as tf from "@tensorflow/tfjs";
import { before, describe, it } from "node:test";
import { Random } from "../../../src/random.js";
import { assertSameOnBothBackends, initBackends, randomTensor, runKernel } from "./backends.js";

type Pad = "same" | "valid" | number | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  filter: [number, number];
  strides: [number, number];
  pad: Pad;
  dimRoundingMode?: "floor" | "ceil" | "round";
}

/** Seeded random geometries over every padding kind and stride pattern. */
function cases(seed: number): Case[] {
  const random = new Random(seed);
  const pads: Pad[] = ["same", "valid", 1, [[0, 0], [2, 0], [1, 3], [0, 0]], [[0, 0], [0, 1], [0, 0], [0, 0]]];
  const strides: [number, number][] = [[1, 1], [2, 2], [2, 1], [3, 2]];
  const list: Case[] = [];
  for (const pad of pads) {
    for (const stride of strides) {
      list.push({
        batch: 1 + random.integer(3),
        height: 5 + random.integer(6),
        width: 5 + random.integer(6),
        inChannels: 1 + random.integer(4),
        outChannels: 1 + random.integer(5),
        filter: [1 + random.integer(3), 1 + random.integer(3)],
        strides: stride,
        pad,
        dimRoundingMode: typeof pad === "number" ? "floor" : undefined,
      });
      // Thin filters (kh·kw·Ci ≤ Co) take the im2col path.
      list.push({
        batch: 1 + random.integer(3),
        height: 6 + random.integer(6),
        width: 6 + random.integer(6),
        inChannels: 1 + random.integer(2),
        outChannels: 18,
        filter: [3, 3],
        strides: stride,
        pad,
        dimRoundingMode: typeof pad === "number" ? "ceil" : undefined,
      });
    }
  }
  return list;
}

function describeCase(c: Case): string {
  return `${c.batch}×${c.height}×${c.width}×${c.inChannels}→${c.outChannels} k${c.filter} s${c.strides} pad ${JSON.stringify(c.pad)}`;
}

function outputShape(c: Case): number[] {
  const info = tf.backend_util.computeConv2DInfo([c.batch, c.height, c.width, c.inChannels], [...c.filter, c.inChannels, c.outChannels], c.strides, 1, c.pad, c.dimRoundingMode);
  return info.outShape;
}

describe("wasm Conv2DBackpropFilter", () => {
  before(initBackends);

  it("matches the cpu backend on seeded shapes, strides and same/valid/numeric/explicit paddings", () => {
    const random = new Random(11);
    for (const c of cases(101)) {
      const x = randomTensor(random, [c.batch, c.height, c.width, c.inChannels]);
      const dy = randomTensor(random, outputShape(c));
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", dimRoundingMode: c.dimRoundingMode, filterShape: [...c.filter, c.inChannels, c.outChannels] };
      assertSameOnBothBackends([x, dy], (xs, dys) => runKernel("Conv2DBackpropFilter", { x: xs, dy: dys }, attrs), describeCase(c));
    }
  });

  it("matches the cpu backend for NCHW tensors", () => {
    const random = new Random(12);
    const x = randomTensor(random, [2, 3, 9, 7]);
    const dy = randomTensor(random, [2, 4, 5, 4]);
    const attrs = { strides: [2, 2], pad: "same", dataFormat: "NCHW", filterShape: [3, 3, 3, 4] };
    assertSameOnBothBackends([x, dy], (xs, dys) => runKernel("Conv2DBackpropFilter", { x: xs, dy: dys }, attrs), "NCHW");
  });
});

describe("wasm Conv2DBackpropInput", () => {
  before(initBackends);

  it("matches the cpu backend on seeded shapes, strides and same/valid/numeric/explicit paddings", () => {
    const random = new Random(21);
    for (const c of cases(201)) {
      const filter = randomTensor(random, [...c.filter, c.inChannels, c.outChannels]);
      const dy = randomTensor(random, outputShape(c));
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", dimRoundingMode: c.dimRoundingMode, inputShape: [c.batch, c.height, c.width, c.inChannels] };
      assertSameOnBothBackends([dy, filter], (dys, w) => runKernel("Conv2DBackpropInput", { dy: dys, filter: w }, attrs), describeCase(c));
    }
  });

  it("matches the cpu backend for NCHW tensors", () => {
    const random = new Random(22);
    const filter = randomTensor(random, [3, 2, 3, 4]);
    const dy = randomTensor(random, [2, 4, 5, 4]);
    const attrs = { strides: [2, 2], pad: "same", dataFormat: "NCHW", inputShape: [2, 3, 9, 7] };
    assertSameOnBothBackends([dy, filter], (dys, w) => runKernel("Conv2DBackpropInput", { dy: dys, filter: w }, attrs), "NCHW");
  });

  it("gives conv2dTranspose the cpu backend's result", () => {
    const random = new Random(23);
    const x = randomTensor(random, [2, 6, 5, 3]);
    const filter = randomTensor(random, [3, 3, 4, 3]);
    assertSameOnBothBackends([x, filter], (xs, w) => tf.conv2dTranspose(xs as tf.Tensor4D, w as tf.Tensor4D, [2, 12, 10, 4], 2, "same"), "conv2dTranspose");
  });
});
