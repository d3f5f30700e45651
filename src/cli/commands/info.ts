// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/info
 * `qhybrid info`: the compute backend chosen and why, versions, and the machine.
 */
import { Command } from "commander";
import { describeBackend, type BackendInfo } from "../../backend/info.js";
import { findDatasets, type DatasetLocation } from "../../data/index.js";
import type { BackendChoice } from "../../backend/schema.js";
import { backendOption, jsonOption, printResult } from "../options.js";

export function infoCommand(): Command {
  return new Command("info")
    .description("show the compute backend chosen and why, versions, threads and SIMD, and where datasets were found")
    .addOption(backendOption().default("auto"))
    .addOption(jsonOption())
    .addHelpText("after", "\nExamples:\n  qhybrid info\n  qhybrid info --backend cpu --json\n")
    .action(async (options: { backend: BackendChoice; json?: boolean }) => {
      const info = { ...(await describeBackend(options.backend)), datasets: await findDatasets() };
      printResult(options.json, info, () => formatInfo(info));
    });
}

function formatInfo(info: BackendInfo & { datasets: DatasetLocation[] }): string {
  const lines = [
    `backend:   ${info.backend.name} (${info.backend.reason})`,
    ...info.backend.skipped.map((entry) => `  skipped ${entry.name}: ${entry.error}`),
  ];
  if (info.wasm) {
    lines.push(`wasm:      SIMD ${info.wasm.simd ? "on" : "off"}, ${info.wasm.multithreaded ? `${info.wasm.threads} threads (QHYBRID_WASM_THREADS)` : "single-threaded (QHYBRID_WASM_THREADS=2 for two threads)"}`);
  }
  lines.push(
    `tfjs:      ${info.tfjsVersion}`,
    `node:      ${info.nodeVersion}`,
    `machine:   ${info.platform}, ${info.cpus} CPUs, ${info.memoryGiB} GiB`,
  );
  lines.push("datasets:");
  for (const dataset of info.datasets) {
    const sizes = dataset.splits ? ` (${Object.entries(dataset.splits).map(([split, count]) => `${split} ${count}`).join(", ")})` : "";
    lines.push(dataset.found ? `  ${dataset.name}: ${dataset.root}${sizes}` : `  ${dataset.name}: not found${dataset.problem ? ` (${dataset.problem})` : ""}; see qhybrid datasets list`);
  }
  return lines.join("\n");
}
