// SPDX-License-Identifier: MIT
/**
 * @module backend/select
 * The only place that chooses and initialises a tfjs backend. `auto` tries, in order,
 * tfjs-node-gpu (CUDA), tfjs-node (native CPU), WebAssembly, pure JavaScript, and keeps
 * the first that loads; a named backend that cannot load is an error with the fix.
 * The native packages are optional dependencies that only install where libtensorflow can
 * be downloaded, so they are imported dynamically.
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError, UserError } from "../errors.js";
import { BACKEND_NAMES, type BackendChoice, type BackendName } from "./schema.js";
import { initWasmWithThreads, registerWasmTrainingKernels } from "./wasm-kernels/index.js";

export interface BackendSelection {
  /** Our name for it (tfjs calls both native ones "tensorflow"). */
  name: BackendName;
  /** Why this one: the choice, and what was tried before it. */
  reason: string;
  /** Backends `auto` tried and could not load, with the error each gave. */
  skipped: { name: BackendName; error: string }[];
}

const INSTALL_HINTS: Record<BackendName, string> = {
  "tensorflow-gpu":
    "install it with `npm install @tensorflow/tfjs-node-gpu` on a Linux machine with CUDA 11.2+, cuDNN 8 and internet access (its install script downloads libtensorflow)",
  tensorflow:
    "install it with `npm install @tensorflow/tfjs-node` on a machine with internet access (its install script downloads libtensorflow)",
  wasm: "reinstall qhybrid's dependencies (`npm ci`): @tensorflow/tfjs-backend-wasm ships with it",
  cpu: "reinstall qhybrid's dependencies (`npm ci`)",
};

let current: BackendSelection | undefined;
let wasmThreadCount = 1;

/** XNNPACK threads the wasm backend runs with (1 unless QHYBRID_WASM_THREADS asks for more). */
export function wasmThreads(): number {
  return wasmThreadCount;
}

function wasmThreadsWanted(): number {
  const text = process.env.QHYBRID_WASM_THREADS;
  if (text === undefined || text === "") return 1;
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new UsageError(`QHYBRID_WASM_THREADS=${text}: expected an integer from 1 to 64`);
  }
  return threads;
}

/** The backend chosen by the last selectBackend call, if any. */
export function currentBackend(): BackendSelection | undefined {
  return current;
}

async function load(name: BackendName): Promise<void> {
  switch (name) {
    case "tensorflow-gpu":
      await import("@tensorflow/tfjs-node-gpu" as string);
      break;
    case "tensorflow":
      await import("@tensorflow/tfjs-node" as string);
      break;
    case "wasm": {
      const threads = wasmThreadsWanted();
      if (threads > 1) {
        // Opt-in: tfjs blocks its threaded wasm build in Node; threads.ts starts it (about 1.5×
        // on two idle cores, slower than one thread when other processes load the machine).
        wasmThreadCount = await initWasmWithThreads(threads);
        registerWasmTrainingKernels();
        return;
      }
      await import("@tensorflow/tfjs-backend-wasm");
      wasmThreadCount = 1;
      break;
    }
    case "cpu":
      break;
  }
  const tfjsName = name === "tensorflow-gpu" ? "tensorflow" : name;
  if (!(await tf.setBackend(tfjsName))) throw new Error(`tfjs could not initialise the ${tfjsName} backend`);
  await tf.ready();
  if (name === "wasm") registerWasmTrainingKernels();
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0];
}

/** Initialises the chosen backend (once per process; later calls must agree). */
export async function selectBackend(choice: BackendChoice): Promise<BackendSelection> {
  // Silences tfjs's "install tfjs-node" banner and debug checks (tfjs-core/src/log.ts).
  tf.enableProdMode();
  wasmThreadsWanted(); // a malformed QHYBRID_WASM_THREADS is an error, not a reason to skip wasm
  if (current !== undefined) {
    if (choice !== "auto" && choice !== current.name) {
      throw new UserError(`backend ${choice} requested, but this process already runs on ${current.name}`);
    }
    return current;
  }
  if (choice !== "auto") {
    try {
      await load(choice);
    } catch (error) {
      throw new UserError(`backend ${choice} cannot load (${firstLine(error)}): ${INSTALL_HINTS[choice]}`);
    }
    current = { name: choice, reason: `requested with --backend ${choice} (or backend: in the config)`, skipped: [] };
    return current;
  }
  const skipped: BackendSelection["skipped"] = [];
  for (const name of BACKEND_NAMES) {
    try {
      await load(name);
      const reason =
        skipped.length === 0
          ? `auto: ${name} is the fastest backend available`
          : `auto: first that loaded after ${skipped.map((entry) => entry.name).join(", ")} (not installed or failed to load)`;
      current = { name, reason, skipped };
      return current;
    } catch (error) {
      skipped.push({ name, error: firstLine(error) });
    }
  }
  throw new UserError(`no tfjs backend could load: ${skipped.map((entry) => `${entry.name}: ${entry.error}`).join("; ")}`);
}
