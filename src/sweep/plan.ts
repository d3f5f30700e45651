// SPDX-License-Identifier: MIT
/**
 * @module sweep/plan
 * Reads a sweep file and resolves every trial before anything runs: the base config plus
 * the sweep's `set:` and the trial's assignment, validated against the full experiment
 * schema, with any problem located in the sweep file. A trial's id is the hash of its
 * resolved config (config/hash.ts), so key order, trial order and unrelated edits to the
 * sweep leave finished trials finished; its folder is <output>/trials/<id>/, and its
 * `qhybrid train` writes its runs under <output>/trials/<id>/runs/ (output.dir), so the
 * trainer needs nothing sweep-specific.
 */
import { readFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import { configHash } from "../config/hash.js";
import { experimentSchema, type ExperimentConfig } from "../config/schema.js";
import { formatPath, validateYaml, type KeyPath, type Override } from "../config/validate-yaml.js";
import { UsageError } from "../errors.js";
import { expandSweep, type Assignment } from "./expand.js";
import { sweepSchema, type SweepFile } from "./schema.js";

export interface TrialRun {
  /** The experiment folder under the trial's runs/ (the run itself is <name>/<run-id>/). */
  name: string;
  control: boolean;
  /** The configHash its summary.json must carry for the trial to count as finished. */
  configHash: string;
}

export interface Trial {
  id: string;
  /** Position in the plan (0-based); shards are taken round-robin over it. */
  index: number;
  /** The swept values (key path → value), seed included when the sweep sets seeds. */
  assignment: Record<string, unknown>;
  seed: number;
  config: ExperimentConfig;
  /** What the trial's `qhybrid train` runs: the config with output.dir set to <dir>/runs. */
  runConfig: ExperimentConfig;
  /** <output>/trials/<id>/ */
  dir: string;
  runs: TrialRun[];
}

export interface SweepPlan {
  file: string;
  /** The sweep's name: its file name without extension. */
  name: string;
  /** Where the base config came from ("inline" for `config:`). */
  base: string;
  set: Record<string, unknown>;
  /** The swept key paths, in plan order (seed last). */
  axes: string[];
  output: string;
  trials: Trial[];
}

const MARK = "\u0001";

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new UsageError(`${file}: cannot read the ${what}: ${reason}`);
  }
}

export function loadSweep(file: string): SweepPlan {
  const text = readText(file, "sweep file");
  const { value: sweep } = validateYaml(sweepSchema, text, file);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const locate = (path: KeyPath): string => {
    for (let length = path.length; length >= 0; length--) {
      const node = (length === 0 ? document.contents : document.getIn(path.slice(0, length), true)) as YamlNode | null | undefined;
      if (node !== null && node !== undefined && typeof node === "object" && node.range) {
        const { line, col } = lineCounter.linePos(node.range[0]);
        return `${file}:${line}:${col}`;
      }
    }
    return `${file}:1:1`;
  };
  const base = baseConfig(sweep, file, text, document, lineCounter, locate);
  const assignments = expandSweep(sweep, locate);
  const output = sweep.output ?? join("results", "sweeps", basename(file, extname(file)));
  const trials: Trial[] = [];
  const ids = new Set<string>();
  for (const [position, assignment] of assignments.entries()) {
    const config = resolveTrial(base, sweep, assignment, position, locate);
    const id = configHash(config);
    // Two assignments can resolve to one config (e.g. an include repeating a grid point).
    if (ids.has(id)) continue;
    ids.add(id);
    const dir = join(output, "trials", id);
    const runConfig: ExperimentConfig = { ...config, output: { ...config.output, dir: join(dir, "runs") } };
    trials.push({ id, index: trials.length, assignment: assignment.values, seed: config.seed, config, runConfig, dir, runs: trialRuns(runConfig) });
  }
  if (trials.length === 0) throw new UsageError(`${file}: the sweep has no trials (every combination is excluded)`);
  const axes = [...new Set(assignments.flatMap((assignment) => Object.keys(assignment.values)))];
  axes.sort((a, b) => Number(a === "seed") - Number(b === "seed"));
  return { file, name: basename(file, extname(file)), base: base.source, set: sweep.set, axes, output, trials };
}

/** The runs one `qhybrid train` of this config writes: the model, its control, or both. */
export function trialRuns(config: ExperimentConfig): TrialRun[] {
  const variant = (control: boolean): TrialRun => ({
    name: control ? `${config.name}-control` : config.name,
    control,
    configHash: configHash({ ...config, model: { ...config.model, control } }),
  });
  if (config.model.control) return [variant(true)];
  return config.model.withControl ? [variant(false), variant(true)] : [variant(false)];
}

interface BaseConfig {
  text: string;
  /** File name used in messages from validateYaml. */
  sourceName: string;
  source: string;
  /** Rewrites a located message from the base text into a position in the sweep file. */
  relocate: (message: string) => string;
}

function baseConfig(sweep: SweepFile, file: string, text: string, document: ReturnType<typeof parseDocument>, lineCounter: LineCounter, locate: (path: KeyPath) => string): BaseConfig {
  if ((sweep.base === undefined) === (sweep.config === undefined)) {
    throw new UsageError(`${locate([])}: give the base experiment as base: FILE or as an inline config:, exactly one of them`);
  }
  if (sweep.base !== undefined) {
    const path = resolve(dirname(file), sweep.base);
    const baseText = readText(path, `base config (base: ${sweep.base} at ${locate(["base"])})`);
    return { text: baseText, sourceName: path, source: path, relocate: (message) => message };
  }
  // The inline mapping's own text, indented as in the file (the first line padded to its
  // column), so that line L, column C of it is line L + first - 1, column C of the sweep file.
  const node = document.get("config", true) as YamlNode;
  const [start, end] = node.range!;
  const { line: firstLine, col } = lineCounter.linePos(start);
  const inline = `${" ".repeat(col - 1)}${text.slice(start, end)}`;
  const sourceName = `${MARK}inline${MARK}`;
  return {
    text: inline,
    sourceName,
    source: "inline",
    relocate: (message) =>
      message.replace(new RegExp(`^${MARK}inline${MARK}:(\\d+):(\\d+)`), (_match, line: string, column: string) => `${file}:${Number(line) + firstLine - 1}:${column}`),
  };
}

function resolveTrial(base: BaseConfig, sweep: SweepFile, assignment: Assignment, position: number, locate: (path: KeyPath) => string): ExperimentConfig {
  const entries: [string, unknown, KeyPath][] = [
    ...Object.entries(sweep.set).map(([key, value]): [string, unknown, KeyPath] => [key, value, ["set", key]]),
    ...Object.entries(assignment.values).map(([key, value]): [string, unknown, KeyPath] => [key, value, assignment.sources[key]]),
  ];
  const overrides: Override[] = entries.map(([key, value], index) => ({ text: `${MARK}${index}${MARK}`, path: key.split("."), value }));
  try {
    return validateYaml(experimentSchema, base.text, base.sourceName, overrides).value;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const marked = new RegExp(`^--set ${MARK}(\\d+)${MARK}`).exec(error.message);
    if (marked === null) throw new UsageError(base.relocate(error.message));
    const [key, value, source] = entries[Number(marked[1])];
    const rest = error.message.slice(marked[0].length);
    const trial = source[0] === "set" ? "" : ` (trial ${position + 1}: ${describeAssignment(assignment.values)})`;
    throw new UsageError(`${locate(source)}: ${formatPath(source)} sets ${key} = ${JSON.stringify(value)}${trial}${rest}`);
  }
}

/** `quantum.qubits=4 seed=2` */
export function describeAssignment(values: Record<string, unknown>): string {
  const entries = Object.entries(values);
  return entries.length === 0 ? "(base)" : entries.map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`).join(" ");
}
