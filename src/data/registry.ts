// SPDX-License-Identifier: MIT
/**
 * @module data/registry
 * Every dataset module, by name, and the search that finds a dataset's files.
 */
import { UserError } from "../errors.js";
import { cifar100 } from "./loaders/cifar100.js";
import { fashionMnist, mnist } from "./loaders/idx-mnist.js";
import { stanfordCars } from "./loaders/stanford-cars.js";
import { stl10 } from "./loaders/stl10.js";
import { vmmrdb } from "./loaders/vmmrdb.js";
import type { DatasetModule, Found } from "./loader.js";
import { candidateFolders, isDirectory, notFoundError, type SearchOptions } from "./locate.js";
import { DATASET_NAMES, type DatasetName } from "./schema.js";

export const DATASET_MODULES: Record<DatasetName, DatasetModule> = {
  mnist,
  "fashion-mnist": fashionMnist,
  cifar100,
  stl10,
  "stanford-cars": stanfordCars,
  vmmrdb,
};

export function datasetModule(name: string): DatasetModule {
  const module = (DATASET_MODULES as Record<string, DatasetModule | undefined>)[name];
  if (!module) throw new UserError(`unknown dataset ${JSON.stringify(name)}; expected one of ${DATASET_NAMES.join(", ")}`, 2);
  return module;
}

export interface SearchResult {
  found: Found | null;
  searched: string[];
  /** Set when a folder held a damaged or incomplete copy. */
  problem?: string;
}

/** Looks for `name` in the search order; never throws for a missing dataset. */
export async function searchDataset(name: DatasetName, options: SearchOptions = {}): Promise<SearchResult> {
  const module = datasetModule(name);
  const searched: string[] = [];
  let problem: string | undefined;
  for (const folder of candidateFolders(name, module.systemFolders(), options)) {
    searched.push(folder);
    if (!(await isDirectory(folder))) continue;
    try {
      const found = await module.probe(folder);
      if (found) return { found, searched };
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problem ??= error.message;
    }
  }
  return { found: null, searched, problem };
}

/** Finds `name` or throws the one-line not-found error. */
export async function locate(name: DatasetName, options: SearchOptions = {}): Promise<Found> {
  const result = await searchDataset(name, options);
  if (result.found) return result.found;
  if (result.problem) throw new UserError(result.problem);
  throw notFoundError(name, result.searched);
}
