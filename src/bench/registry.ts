// SPDX-License-Identifier: MIT
/**
 * @module bench/registry
 * Every benchmark workload `npm run bench` knows, in the order they run.
 */
import type { Workload } from "./workload.js";
import { cnnTrainMnist } from "./workloads/cnn-train-mnist.js";
import { evalMnistRobustness } from "./workloads/eval-mnist-robustness.js";
import { hybridHead } from "./workloads/hybrid-head.js";
import { loadMnist } from "./workloads/load-mnist.js";
import { noisyHybridHead } from "./workloads/noisy-hybrid-head.js";
import { qplr10q } from "./workloads/qplr-10q.js";
import { qplrLabelsMnist } from "./workloads/qplr-labels-mnist.js";
import { quanvMnist } from "./workloads/quanv-mnist.js";
import { streamJpeg } from "./workloads/stream-jpeg.js";
import { trainHybridMnist, trainResnet50 } from "./workloads/train-models.js";

export const WORKLOADS: Workload[] = [cnnTrainMnist, hybridHead, noisyHybridHead, quanvMnist, qplr10q, qplrLabelsMnist, loadMnist, streamJpeg, evalMnistRobustness, trainHybridMnist, trainResnet50];
