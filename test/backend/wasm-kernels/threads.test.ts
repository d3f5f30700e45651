// SPDX-License-Identifier: MIT
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { assertClose, initBackends, runOn, type HostTensor } from "./backends.js";

describe("initWasmWithThreads", () => {
  let child: { backend: string; threads: number; dx: number[]; dFilter: number[] };

  before(async () => {
    await initBackends();
    const script = fileURLToPath(new URL("./threads-child.ts", import.meta.url));
    const result = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 60_000 });
    assert.equal(result.status, 0, `child process failed (exit ${result.status}): ${result.stderr}`);
    child = JSON.parse(result.stdout.trim().split("\n").pop()!);
  });

  it("starts the wasm backend with two XNNPACK threads under Node and lets the process exit", () => {
    assert.equal(child.backend, "wasm");
    assert.equal(child.threads, 2);
  });

  it("gives a convolution the cpu backend's gradients on the threaded build", () => {
    const x: HostTensor = { values: Float32Array.from({ length: 4 * 9 * 9 * 3 }, (_, i) => Math.sin(i)), shape: [4, 9, 9, 3] };
    const filter: HostTensor = { values: Float32Array.from({ length: 3 * 3 * 3 * 5 }, (_, i) => Math.cos(i)), shape: [3, 3, 3, 5] };
    const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same")));
    const expectedDx = runOn("cpu", [x, filter], (a, b) => tf.grads(loss)([a, b])[0]);
    const expectedDFilter = runOn("cpu", [x, filter], (a, b) => tf.grads(loss)([a, b])[1]);
    assertClose({ values: Float32Array.from(child.dx), shape: x.shape }, expectedDx, "dx");
    assertClose({ values: Float32Array.from(child.dFilter), shape: filter.shape }, expectedDFilter, "dFilter");
  });
});
