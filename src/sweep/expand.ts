// SPDX-License-Identifier: MIT
/**
 * @module sweep/expand
 * Turns a sweep's axes into the list of trial assignments (key path → value), without
 * touching configs or files: grid (every combination, file order, last key fastest) ×
 * random samples (drawn with the sweep's own seed, parameters in sorted key order so that
 * reordering them changes nothing), plus `include:` entries, each × the seeds, minus the
 * `exclude:` matches, duplicates dropped. Where a problem lies is reported through the
 * caller's `locate`, so the loader can name a line of the sweep file. Without grid or
 * random axes the combinations are the base alone, and `include:` entries come on top.
 */
import { configHash } from "../config/hash.js";
import type { KeyPath } from "../config/validate-yaml.js";
import { formatPath } from "../config/validate-yaml.js";
import { UsageError } from "../errors.js";
import { deriveSeed, Random } from "../random.js";
import type { Distribution, SweepFile } from "./schema.js";

export type SweepAxes = Pick<SweepFile, "set" | "grid" | "random" | "seeds" | "repeats" | "include" | "exclude">;

export interface Assignment {
  /** Key path → value, in the order they are applied (after the sweep's `set:`). */
  values: Record<string, unknown>;
  /** Where each value came from in the sweep file (for error messages). */
  sources: Record<string, KeyPath>;
}

const KEY_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

/** A problem's position in the sweep file; the default just names the key path. */
export type Locate = (path: KeyPath) => string;
const namePath: Locate = (path) => formatPath(path);

export function expandSweep(axes: SweepAxes, locate: Locate = namePath): Assignment[] {
  const fail = (path: KeyPath, message: string): never => {
    throw new UsageError(`${locate(path)}: ${formatPath(path)}: ${message}`);
  };
  const checkKeys = (record: Record<string, unknown>, at: KeyPath): void => {
    for (const key of Object.keys(record)) if (!KEY_PATH.test(key)) fail([...at, key], `"${key}" is not a key path like training.epochs`);
  };
  checkKeys(axes.set, ["set"]);
  checkKeys(axes.grid, ["grid"]);
  const parameters = axes.random?.parameters ?? {};
  checkKeys(parameters, ["random", "parameters"]);
  axes.include.forEach((entry, index) => checkKeys(entry, ["include", index]));
  axes.exclude.forEach((entry, index) => checkKeys(entry, ["exclude", index]));

  for (const key of Object.keys(parameters)) {
    if (key in axes.grid) fail(["random", "parameters", key], `swept by both grid and random`);
  }
  for (const key of [...Object.keys(axes.grid), ...Object.keys(parameters)]) {
    if (key in axes.set) fail(["set", key], `fixed here but also swept (grid or random); keep one`);
  }
  for (const [key, distribution] of Object.entries(parameters)) {
    if ((distribution.distribution === "uniform" || distribution.distribution === "log-uniform" || distribution.distribution === "int-uniform") && distribution.min > distribution.max) {
      fail(["random", "parameters", key, "max"], `max ${distribution.max} is below min ${distribution.min}`);
    }
  }
  const seeds = seedList(axes, fail);
  if (seeds !== undefined) {
    const section = axes.seeds !== undefined ? "seeds" : "repeats";
    if ("seed" in axes.grid) fail(["grid", "seed"], `the seed is swept by ${section}: already`);
    if ("seed" in parameters) fail(["random", "parameters", "seed"], `the seed is swept by ${section}: already`);
    if ("seed" in axes.set) fail(["set", "seed"], `the seed is swept by ${section}: already`);
  }

  let combinations: Assignment[] = [{ values: {}, sources: {} }];
  for (const [key, values] of Object.entries(axes.grid)) {
    combinations = combinations.flatMap((partial) =>
      values.map((value, index) => ({ values: { ...partial.values, [key]: value }, sources: { ...partial.sources, [key]: ["grid", key, index] } })),
    );
  }
  if (axes.random !== undefined) {
    const samples = drawSamples(parameters, axes.random.samples, axes.random.seed);
    combinations = combinations.flatMap((partial) =>
      samples.map((sample) => ({
        values: { ...partial.values, ...sample },
        sources: { ...partial.sources, ...Object.fromEntries(Object.keys(sample).map((key) => [key, ["random", "parameters", key]])) },
      })),
    );
  }
  combinations.push(
    ...axes.include.map((entry, index) => ({ values: { ...entry }, sources: Object.fromEntries(Object.keys(entry).map((key) => [key, ["include", index, key]])) })),
  );

  const seeded =
    seeds === undefined
      ? combinations
      : combinations.flatMap((partial) =>
          seeds.map((seed, index) => ({
            values: { ...partial.values, seed },
            sources: { ...partial.sources, seed: axes.seeds !== undefined ? ["seeds", index] : ["repeats"] },
          })),
        );
  const kept = seeded.filter((assignment) => !axes.exclude.some((entry) => matches(assignment.values, entry)));
  const seen = new Set<string>();
  return kept.filter((assignment) => {
    const key = configHash(assignment.values);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function seedList(axes: SweepAxes, fail: (path: KeyPath, message: string) => never): number[] | undefined {
  if (axes.seeds !== undefined && axes.repeats !== undefined) fail(["repeats"], "give seeds: or repeats:, not both");
  if (axes.seeds !== undefined) {
    const duplicate = axes.seeds.findIndex((seed, index) => axes.seeds!.indexOf(seed) !== index);
    if (duplicate >= 0) fail(["seeds", duplicate], `seed ${axes.seeds[duplicate]} is listed twice`);
    return axes.seeds;
  }
  if (axes.repeats !== undefined) return Array.from({ length: axes.repeats }, (_, index) => index + 1);
  return undefined;
}

/** True when every key of `entry` is in the assignment with an equal value. */
function matches(values: Record<string, unknown>, entry: Record<string, unknown>): boolean {
  return Object.entries(entry).every(([key, value]) => key in values && configHash(values[key]) === configHash(value));
}

/** `count` samples; parameters drawn in sorted key order from one seeded stream. */
export function drawSamples(parameters: Record<string, Distribution>, count: number, seed: number): Record<string, unknown>[] {
  const random = new Random(deriveSeed(seed, "sweep-random"));
  const keys = Object.keys(parameters).sort();
  return Array.from({ length: count }, () => Object.fromEntries(keys.map((key) => [key, draw(parameters[key], random)])));
}

function draw(distribution: Distribution, random: Random): unknown {
  switch (distribution.distribution) {
    case "uniform":
      return distribution.min + (distribution.max - distribution.min) * random.uniform();
    case "log-uniform":
      return Math.exp(Math.log(distribution.min) + (Math.log(distribution.max) - Math.log(distribution.min)) * random.uniform());
    case "int-uniform":
      return distribution.min + random.integer(distribution.max - distribution.min + 1);
    case "choice":
      return distribution.values[random.integer(distribution.values.length)];
  }
}
