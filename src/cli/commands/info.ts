// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/info
 * `qhybrid info`: the compute backend chosen and why, versions, and the machine.
 */
import { Command } from "commander";
import { describeBackend, type BackendInfo } from "../../backend/info.js";
import type { BackendChoice } from "../../backend/schema.js";
import { backendOption, jsonOption, printResult } from "../options.js";

export function infoCommand(): Command {
  return new Command("info")
    .description("show the compute backend chosen and why, versions, threads and SIMD")
    .addOption(backendOption().default("auto"))
    .addOption(jsonOption())
    .addHelpText("after", "\nExamples:\n  qhybrid info\n  qhybrid info --backend cpu --json\n")
    .action(async (options: { backend: BackendChoice; json?: boolean }) => {
      const info = await describeBackend(options.backend);
      printResult(options.json, info, () => formatInfo(info));
    });
}

function formatInfo(info: BackendInfo): string {
  const lines = [
    `backend:   ${info.backend.name} (${info.backend.reason})`,
    ...info.backend.skipped.map((entry) => `  skipped ${entry.name}: ${entry.error}`),
  ];
  if (info.wasm) {
    lines.push(`wasm:      SIMD ${info.wasm.simd ? "on" : "off"}, ${info.wasm.multithreaded ? "multi-threaded" : "single-threaded"}`);
  }
  lines.push(
    `tfjs:      ${info.tfjsVersion}`,
    `node:      ${info.nodeVersion}`,
    `machine:   ${info.platform}, ${info.cpus} CPUs, ${info.memoryGiB} GiB`,
  );
  return lines.join("\n");
}
