// SPDX-License-Identifier: MIT
/**
 * @module data/loaders/vmmrdb
 * VMMRdb: one folder per class named `make_model_year` (9,170 classes, ~292k scraped
 * images). The folder name is the label. There is no official split, so one is made here:
 * deterministic, stratified and seeded — within each class, files are ranked by a hash of
 * (seed, relative path), the first ⌈test⌉ (at least one) go to `test`, the next to
 * `validation`, the rest to `train` — after dropping classes with fewer than
 * `minImagesPerClass` usable files. The split is written to a manifest (JSON) and reused
 * whenever it exists, so every run and every machine trains on the same images.
 * Junk is skipped and counted, never fatal: macOS `._*` sidecars, `.DS_Store`, `__MACOSX/`,
 * non-image extensions, empty files and files whose first bytes are not JPEG/PNG at listing;
 * truncated or undecodable images when decoded.
 */
import { createHash } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UsageError, UserError } from "../../errors.js";
import { defaultCacheDir } from "../cache.js";
import { openFileDataset } from "../file-dataset.js";
import type { ImageFile } from "../file-split.js";
import type { DatasetModule, Found, OpenOptions } from "../loader.js";
import { compareCodeUnits } from "../locate.js";
import type { Dataset } from "../types.js";

const CLASS_FOLDER = /_\d{4}$/;
const IMAGE_EXTENSION = /\.(jpe?g|png)$/i;
const SPLITS = ["train", "validation", "test"] as const;

export interface VmmrdbSplitOptions {
  seed: number;
  minImagesPerClass: number;
  validationFraction: number;
  testFraction: number;
}

export interface VmmrdbManifest extends VmmrdbSplitOptions {
  format: "qhybrid-vmmrdb-split";
  version: 1;
  root: string;
  classNames: string[];
  /** Per split: [path relative to root, label index]. */
  splits: Record<(typeof SPLITS)[number], [string, number][]>;
  /** Classes dropped by the minimum-per-class filter. */
  droppedClasses: number;
  skipped: { count: number; byReason: Record<string, number>; examples: string[] };
}

export const DEFAULT_VMMRDB_SPLIT: VmmrdbSplitOptions = { seed: 1, minImagesPerClass: 5, validationFraction: 0.1, testFraction: 0.15 };

export const vmmrdb: DatasetModule = {
  name: "vmmrdb",
  title: "VMMRdb (vehicle make, model, year)",
  classCount: 9170,
  imageShape: null,
  systemFolders: () => [],
  async probe(dir: string): Promise<Found | null> {
    for (const root of [dir, join(dir, "VMMRdb")]) {
      const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
      if (!entries.some((entry) => entry.isDirectory() && CLASS_FOLDER.test(entry.name))) continue;
      return {
        root,
        layout: "class folders",
        async splitSizes() {
          // Listing must stay cheap: use the default split's manifest if `prepare` or a run made
          // it, else only count the entries of the class folders (no header checks).
          const path = defaultManifestPath(root, splitOptions({}), defaultCacheDir());
          const manifest = await readFile(path, "utf8").then((text) => JSON.parse(text) as VmmrdbManifest).catch(() => null);
          if (manifest?.splits) return Object.fromEntries(SPLITS.map((split) => [split, manifest.splits[split].length]));
          let files = 0;
          for (const entry of entries) {
            if (entry.isDirectory() && CLASS_FOLDER.test(entry.name)) files += (await readdir(join(root, entry.name))).length;
          }
          return { "unsplit (files listed)": files };
        },
        open: (options) => openVmmrdb(root, options),
      };
    }
    return null;
  },
};

function splitOptions(options: OpenOptions): VmmrdbSplitOptions {
  return {
    seed: options.splitSeed ?? DEFAULT_VMMRDB_SPLIT.seed,
    minImagesPerClass: options.minImagesPerClass ?? DEFAULT_VMMRDB_SPLIT.minImagesPerClass,
    validationFraction: options.validationFraction ?? DEFAULT_VMMRDB_SPLIT.validationFraction,
    testFraction: options.testFraction ?? DEFAULT_VMMRDB_SPLIT.testFraction,
  };
}

async function openVmmrdb(root: string, options: OpenOptions): Promise<Dataset> {
  const manifest = await loadOrBuildManifest(root, splitOptions(options), options);
  const files: Record<string, ImageFile[]> = {};
  for (const split of SPLITS) files[split] = manifest.splits[split].map(([path, label]) => ({ path: join(root, path), label }));
  const notes = [];
  if (manifest.skipped.count > 0) {
    const reasons = Object.entries(manifest.skipped.byReason).map(([reason, count]) => `${count} ${reason}`).join(", ");
    notes.push({ kind: "skipped" as const, count: manifest.skipped.count, files: manifest.skipped.examples, message: `vmmrdb: ${manifest.skipped.count} file(s) skipped while listing (${reasons})` });
  }
  if (manifest.droppedClasses > 0) {
    notes.push({ kind: "info" as const, count: manifest.droppedClasses, message: `vmmrdb: ${manifest.droppedClasses} class(es) with fewer than ${manifest.minImagesPerClass} images dropped` });
  }
  return openFileDataset({ name: "vmmrdb", root, classNames: manifest.classNames, files, failOn: "truncated", options, notes });
}

/** The manifest's default place: in the cache, named by the dataset folder and split options. */
export function defaultManifestPath(root: string, split: VmmrdbSplitOptions, cacheDir: string): string {
  const digest = createHash("sha256").update(JSON.stringify({ root, ...split })).digest("hex").slice(0, 16);
  return join(cacheDir, "vmmrdb", `split-${digest}.json`);
}

async function loadOrBuildManifest(root: string, split: VmmrdbSplitOptions, options: OpenOptions | undefined): Promise<VmmrdbManifest> {
  const cacheDir = options?.cacheDir || defaultCacheDir();
  const path = options?.manifestPath ?? defaultManifestPath(root, split, cacheDir);
  const existing = await readFile(path, "utf8").catch(() => null);
  if (existing !== null) {
    let manifest: VmmrdbManifest;
    try {
      manifest = JSON.parse(existing) as VmmrdbManifest;
    } catch (error) {
      throw new UserError(`${path}: not a valid split manifest (${(error as Error).message}); delete it to rebuild the split`);
    }
    if (manifest.format !== "qhybrid-vmmrdb-split" || manifest.version !== 1) {
      throw new UserError(`${path}: not a qhybrid VMMRdb split manifest (format ${JSON.stringify(manifest.format)})`);
    }
    return manifest;
  }
  options?.log?.(`vmmrdb: listing ${root} to build the split (once; saved to ${path})`);
  const manifest = await buildManifest(root, split);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(manifest));
  await rename(temporary, path);
  return manifest;
}

/** Lists the class folders, skips junk and makes the split. Pure function of the files and options. */
export async function buildManifest(root: string, split: VmmrdbSplitOptions): Promise<VmmrdbManifest> {
  if (split.validationFraction + split.testFraction >= 1) {
    throw new UsageError(`VMMRdb validation (${split.validationFraction}) and test (${split.testFraction}) fractions leave no training images`);
  }
  if (split.minImagesPerClass < 2) throw new UsageError(`VMMRdb minImagesPerClass must be at least 2 (one train, one test), got ${split.minImagesPerClass}`);
  const classFolders = (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && entry.name !== "__MACOSX" && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort(compareCodeUnits);
  const byReason: Record<string, number> = {};
  const examples: string[] = [];
  const skip = (relative: string, reason: string) => {
    byReason[reason] = (byReason[reason] ?? 0) + 1;
    if (examples.length < 100) examples.push(relative);
  };
  const usable = new Map<string, string[]>();
  for (const folder of classFolders) {
    const files: string[] = [];
    const names = (await readdir(join(root, folder), { withFileTypes: true })).sort((a, b) => compareCodeUnits(a.name, b.name));
    for (const entry of names) {
      const relative = `${folder}/${entry.name}`;
      if (!entry.isFile()) continue;
      const reason = await junkReason(join(root, relative), entry.name);
      if (reason) skip(relative, reason);
      else files.push(relative);
    }
    usable.set(folder, files);
  }
  const classNames = classFolders.filter((folder) => (usable.get(folder)?.length ?? 0) >= split.minImagesPerClass);
  const splits: VmmrdbManifest["splits"] = { train: [], validation: [], test: [] };
  classNames.forEach((folder, label) => {
    const ranked = [...usable.get(folder)!].sort((a, b) => rank(split.seed, a) - rank(split.seed, b) || compareCodeUnits(a, b));
    const count = ranked.length;
    const testCount = Math.max(1, Math.round(count * split.testFraction));
    const validationCount = Math.min(Math.round(count * split.validationFraction), count - testCount - 1);
    ranked.forEach((relative, position) => {
      const target = position < testCount ? "test" : position < testCount + validationCount ? "validation" : "train";
      splits[target].push([relative, label]);
    });
  });
  for (const list of Object.values(splits)) list.sort((a, b) => compareCodeUnits(a[0], b[0]));
  const skippedCount = Object.values(byReason).reduce((sum, count) => sum + count, 0);
  return {
    format: "qhybrid-vmmrdb-split",
    version: 1,
    root,
    ...split,
    classNames,
    splits,
    droppedClasses: classFolders.length - classNames.length,
    skipped: { count: skippedCount, byReason, examples },
  };
}

/** A stable pseudo-random rank in [0, 2^32) of a file for a seed (independent of listing order). */
function rank(seed: number, relative: string): number {
  return createHash("sha256").update(`${seed}\0${relative}`).digest().readUInt32LE(0);
}

/** Why a directory entry is not a usable image, from its name and first bytes; null if usable. */
async function junkReason(path: string, name: string): Promise<string | null> {
  if (name.startsWith("._")) return "macOS sidecar";
  if (name.startsWith(".")) return "hidden file";
  if (!IMAGE_EXTENSION.test(name)) return "not an image name";
  const handle = await open(path, "r").catch(() => null);
  if (!handle) return "unreadable";
  try {
    const { size } = await stat(path);
    if (size === 0) return "empty";
    const head = new Uint8Array(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    const jpeg = bytesRead >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
    const png = bytesRead >= 8 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47;
    return jpeg || png ? null : "not JPEG or PNG data";
  } finally {
    await handle.close();
  }
}


