// SPDX-License-Identifier: MIT
/**
 * @module bench/main
 * `npm run bench [-- --only NAME[,NAME]] [--json] [--backend NAME] [--repeats N]`: runs the
 * workloads and prints, per workload, name, backend, unit, median and every sample.
 */
import { Command, Option } from "commander";
import { selectBackend } from "../backend/select.js";
import { BACKEND_NAMES, type BackendChoice } from "../backend/schema.js";
import { handleError } from "../cli/handle-error.js";
import { UsageError } from "../errors.js";
import { WORKLOADS } from "./registry.js";
import { median } from "./workload.js";
import os from "node:os";

interface BenchOptions {
  only?: string;
  json?: boolean;
  backend: BackendChoice;
  repeats: string;
  list?: boolean;
}

async function main(options: BenchOptions): Promise<void> {
  if (options.list) {
    for (const workload of WORKLOADS) process.stdout.write(`${workload.name}\t${workload.description}\n`);
    return;
  }
  const names = options.only?.split(",").map((name) => name.trim()) ?? WORKLOADS.map((w) => w.name);
  const unknown = names.filter((name) => !WORKLOADS.some((w) => w.name === name));
  if (unknown.length > 0) {
    throw new UsageError(`--only: unknown workload ${unknown.join(", ")}; expected one of ${WORKLOADS.map((w) => w.name).join(", ")}`);
  }
  const repeats = Number(options.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError(`--repeats: expected a positive integer, got ${options.repeats}`);
  const backend = await selectBackend(options.backend);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const results = [];
  for (const name of names) {
    const workload = WORKLOADS.find((w) => w.name === name)!;
    log(`[bench] ${workload.name} on ${backend.name}: ${workload.description}`);
    const result = await workload.run({ backend: backend.name, repeats, log });
    const entry = {
      name: workload.name,
      backend: backend.name,
      unit: workload.unit,
      higherIsBetter: workload.higherIsBetter,
      median: median(result.samples),
      samples: result.samples,
      ...(result.details ? { details: result.details } : {}),
    };
    results.push(entry);
    if (!options.json) {
      process.stdout.write(
        `${entry.name}\t${entry.backend}\tmedian ${formatNumber(entry.median)} ${entry.unit}\tsamples ${entry.samples.map(formatNumber).join(", ")}\n`,
      );
      if (result.details) process.stdout.write(`  ${JSON.stringify(result.details)}\n`);
    }
  }
  if (options.json) {
    const machine = { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model, node: process.versions.node };
    process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`);
  }
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

const program = new Command("bench")
  .description("qhybrid benchmarks: medians and samples per workload")
  .addOption(new Option("--only <names>", "comma-separated workload names"))
  .addOption(new Option("--json", "print one JSON document on stdout"))
  .addOption(new Option("--backend <name>", "tfjs backend").choices(["auto", ...BACKEND_NAMES]).default("auto"))
  .addOption(new Option("--repeats <n>", "timed repeats per workload").default("5"))
  .addOption(new Option("--list", "list the workloads and exit"))
  .exitOverride()
  .action(main);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  handleError(error);
}
