// SPDX-License-Identifier: MIT
/**
 * @module backend/info
 * What `qhybrid info` reports about the compute environment: the backend chosen and why,
 * tfjs and Node versions, WebAssembly SIMD and threads, and the machine.
 */
import * as tf from "@tensorflow/tfjs";
import os from "node:os";
import type { BackendChoice } from "./schema.js";
import { selectBackend, wasmThreads, type BackendSelection } from "./select.js";

export interface BackendInfo {
  backend: BackendSelection;
  tfjsVersion: string;
  nodeVersion: string;
  /** Only for the wasm backend. */
  wasm?: { simd: boolean; multithreaded: boolean; threads: number };
  cpus: number;
  memoryGiB: number;
  platform: string;
}

export async function describeBackend(choice: BackendChoice): Promise<BackendInfo> {
  const backend = await selectBackend(choice);
  const info: BackendInfo = {
    backend,
    tfjsVersion: tf.version.tfjs,
    nodeVersion: process.versions.node,
    cpus: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()}-${os.arch()}`,
  };
  if (backend.name === "wasm") {
    info.wasm = {
      simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
      multithreaded: wasmThreads() > 1,
      threads: wasmThreads(),
    };
  }
  return info;
}
