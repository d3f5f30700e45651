// SPDX-License-Identifier: MIT
/**
 * @module backend/wasm-kernels/threads
 * Multithreaded XNNPACK for the wasm backend under Node. tfjs-backend-wasm 4.22 ships a
 * threaded SIMD build but never uses it in Node (tfjs issue #3830); three things stand in the
 * way, each worked around for the duration of the backend's initialisation only:
 *
 * 1. the flag WASM_HAS_MULTITHREAD_SUPPORT answers false in Node: set it to true;
 * 2. the pthread workers are started from blob: URLs, which Node's worker_threads refuse:
 *    the worker script (and the main script each worker imports) are written to a temporary
 *    folder and URL.createObjectURL answers with those paths;
 * 3. the backend caps its thread pool at half the logical cores (it assumes two hardware
 *    threads per core), i.e. at 1 on a 2-vCPU machine: os.cpus() reports 2 × `threads`.
 *
 * Depends on tfjs-backend-wasm 4.22 internals (the version is pinned in package.json);
 * initWasmWithThreads checks the thread count it got and says so.
 */
import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);

interface WasmModule {
  setThreadsCount(threads: number): void;
  getThreadsCount(): number;
}

/** Writes the worker and main scripts; returns the worker's path and a cleanup. */
function writeWorkerScripts(): { workerPath: string; cleanup: () => void } {
  const folder = mkdtempSync(join(os.tmpdir(), "qhybrid-wasm-threads-"));
  const { wasmWorkerContents } = require("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js") as { wasmWorkerContents: string };
  const factory = require("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js") as (...args: unknown[]) => unknown;
  const mainPath = join(folder, "main.cjs");
  const workerPath = join(folder, "worker.cjs");
  // What the backend would put in its main-script Blob (backend_wasm.ts `mainScriptUrlOrBlob`).
  writeFileSync(mainPath, `var WasmBackendModuleThreadedSimd = ${factory.toString()}`);
  // The worker turns that Blob into an object URL before importing it: answer with the file.
  // Newlines are escaped as the backend does for its Blob (string literals in the script).
  writeFileSync(workerPath, `URL.createObjectURL = () => ${JSON.stringify(mainPath)};\n${wasmWorkerContents.replace(/\n/g, "\\n")}`);
  return { workerPath, cleanup: () => rmSync(folder, { recursive: true, force: true }) };
}

/**
 * Initialises tfjs's wasm backend with `threads` XNNPACK threads (the calling thread
 * included) and makes it the current backend; returns the thread count XNNPACK got. Must run
 * before anything else initialises the wasm backend.
 */
export async function initWasmWithThreads(threads: number): Promise<number> {
  const wasm = (await import("@tensorflow/tfjs-backend-wasm")) as unknown as WasmModule;
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
  wasm.setThreadsCount(threads);
  const { workerPath, cleanup } = writeWorkerScripts();
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = (object: Blob) => (object.type === "application/javascript" ? workerPath : createObjectURL(object));
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: 2 * threads }, (_, index) => real[index % real.length]);
  };
  try {
    if (!(await tf.setBackend("wasm"))) throw new Error("tfjs could not initialise the threaded wasm backend");
    await tf.ready();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
  // Emscripten starts further workers from these files if its pool of 8 ever runs out.
  process.once("exit", cleanup);
  // Running pthreads hold a reference on their worker, which would keep Node from exiting
  // once the program is done; the pool's threads live as long as the backend anyway.
  const { PThread } = (tf.backend() as unknown as { wasm: { PThread: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] } } }).wasm;
  for (const worker of [...PThread.runningWorkers, ...PThread.unusedWorkers]) worker.unref();
  return wasm.getThreadsCount();
}
