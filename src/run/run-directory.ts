// SPDX-License-Identifier: MIT
/**
 * @module run/run-directory
 * A run's home: results/<experiment>/<run-id>/ with config.yaml (resolved), metrics.jsonl
 * (a line per epoch), summary.json, report.md, env.json and checkpoints/. Run ids sort by
 * start time and stay unique when several runs start at once (the final mkdir is
 * exclusive, and a clash retries with a new suffix); an existing run is never overwritten.
 * Every write is atomic (see atomic-write.ts); metrics.jsonl is rewritten whole each epoch,
 * which keeps it atomic at the cost of a few kilobytes per epoch.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "./atomic-write.js";

export const RUN_FILES = {
  config: "config.yaml",
  metrics: "metrics.jsonl",
  summary: "summary.json",
  report: "report.md",
  environment: "env.json",
  checkpoints: "checkpoints",
} as const;

/** `20261124-064512-123-a1b2`: UTC time to the millisecond, then a random suffix. */
export function newRunId(now: Date = new Date()): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, "0");
  const stamp =
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}-${pad(now.getUTCMilliseconds(), 3)}`;
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

export class RunDirectory {
  private constructor(
    readonly path: string,
    readonly id: string,
  ) {}

  /** Creates a new, empty run directory under <outputDir>/<experiment>/. */
  static create(outputDir: string, experiment: string): RunDirectory {
    const parent = join(outputDir, experiment);
    try {
      mkdirSync(parent, { recursive: true });
    } catch (error) {
      throw new UserError(`cannot create the results folder ${parent}: ${(error as Error).message}`);
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const id = newRunId();
      const path = join(parent, id);
      try {
        mkdirSync(path); // not recursive: fails if another run took this id
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
        throw new UserError(`cannot create the run directory ${path}: ${(error as Error).message}`);
      }
      mkdirSync(join(path, RUN_FILES.checkpoints));
      return new RunDirectory(path, id);
    }
    throw new UserError(`could not find a free run id under ${parent} after 20 attempts`);
  }

  /** Opens an existing run (for --resume and eval). */
  static open(path: string): RunDirectory {
    if (!existsSync(join(path, RUN_FILES.config))) {
      throw new UserError(`${path} is not a qhybrid run directory (no ${RUN_FILES.config})`);
    }
    const id = path.replace(/\/+$/, "").split("/").pop() ?? path;
    return new RunDirectory(path, id);
  }

  file(name: string): string {
    return join(this.path, name);
  }

  get checkpointsPath(): string {
    return join(this.path, RUN_FILES.checkpoints);
  }

  writeText(name: string, text: string): void {
    writeFileAtomic(this.file(name), text);
  }

  writeJson(name: string, value: unknown): void {
    writeFileAtomic(this.file(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  readMetrics(): Record<string, unknown>[] {
    const path = this.file(RUN_FILES.metrics);
    if (!existsSync(path)) return [];
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Appends one epoch's metrics (the whole file is rewritten atomically). */
  appendMetrics(entry: Record<string, unknown>): void {
    const lines = this.readMetrics().map((line) => JSON.stringify(line));
    lines.push(JSON.stringify(entry));
    writeFileAtomic(this.file(RUN_FILES.metrics), `${lines.join("\n")}\n`);
  }

  /** Replaces metrics.jsonl with the given entries (used when resuming from an earlier epoch). */
  writeMetrics(entries: Record<string, unknown>[]): void {
    writeFileAtomic(this.file(RUN_FILES.metrics), entries.map((line) => `${JSON.stringify(line)}\n`).join(""));
  }
}
