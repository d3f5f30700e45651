// SPDX-License-Identifier: MIT
/**
 * @module config/validate-yaml
 * Parses a YAML file against a zod schema and turns the first problem into one located
 * line: `FILE:LINE:COL: key.path: what was expected, got what`. Used for experiment
 * configs, circuit files and sweep files alike. `--set key.path=value` overrides are
 * applied to the YAML document before validation; a problem in an overridden value is
 * reported against the `--set` text instead of a file position.
 */
import { LineCounter, parseDocument, isMap, isPair, isScalar, parse as parseYamlValue } from "yaml";
import type { Document, Node as YamlNode, YAMLMap } from "yaml";
import type { z } from "zod";
import { UsageError } from "../errors.js";

export type KeyPath = (string | number)[];

export interface Override {
  /** The text as the user wrote it, e.g. `training.epochs=3`. */
  text: string;
  path: string[];
  value: unknown;
}

/** `a.b.c=value`; the value is read as a YAML scalar or flow collection (3 → number). */
export function parseOverride(text: string): Override {
  const equals = text.indexOf("=");
  if (equals <= 0) {
    throw new UsageError(`--set ${text}: expected KEY.PATH=VALUE, e.g. training.epochs=3`);
  }
  const keyText = text.slice(0, equals).trim();
  const path = keyText.split(".");
  if (path.some((part) => !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part))) {
    throw new UsageError(`--set ${text}: "${keyText}" is not a key path like training.epochs`);
  }
  const valueText = text.slice(equals + 1);
  let value: unknown;
  try {
    value = valueText.trim() === "" ? "" : parseYamlValue(valueText);
  } catch {
    value = valueText;
  }
  return { text, path, value };
}

export interface ValidatedYaml<T> {
  value: T;
  document: Document;
}

/**
 * Validates YAML text against a schema. `sourceName` names the file in messages.
 * Throws UsageError with one located line on the first problem found.
 */
export function validateYaml<S extends z.ZodType>(
  schema: S,
  text: string,
  sourceName: string,
  overrides: Override[] = [],
): ValidatedYaml<z.output<S>> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const locate = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${sourceName}:${line}:${col}`;
  };
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new UsageError(`${locate(error.pos[0])}: invalid YAML: ${reason}`);
  }
  if (document.contents !== null && !isMap(document.contents)) {
    throw new UsageError(`${locate(0)}: expected a mapping of keys at the top level`);
  }
  for (const override of overrides) {
    if (document.contents === null) document.contents = document.createNode({}) as never;
    try {
      document.setIn(override.path, document.createNode(override.value));
    } catch {
      throw new UsageError(`--set ${override.text}: ${override.path.slice(0, -1).join(".")} is not a mapping`);
    }
  }
  const raw: unknown = document.toJS() ?? {};
  const result = schema.safeParse(raw);
  if (result.success) return { value: result.data, document };

  const issue = result.error.issues[0];
  const path = issue.path.filter((part): part is string | number => typeof part !== "symbol");
  let keyPath = path;
  let position: string;
  let what: string;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    keyPath = [...path, key];
    const known = knownKeys(schema, path);
    const suggestion = closest(key, known);
    what =
      `unknown key` +
      (suggestion ? ` (did you mean "${suggestion}"?)` : known.length ? `; expected one of: ${known.join(", ")}` : "");
    position = locateKey(document, path, key, locate);
  } else {
    what = describeIssue(issue, valueAt(raw, path));
    position = locateNode(document, path, locate);
  }
  const override = overrides.find((candidate) => startsWith(keyPath, candidate.path) || startsWith(candidate.path, keyPath));
  if (override !== undefined && startsWith(keyPath, override.path)) position = `--set ${override.text}`;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problem${result.error.issues.length > 2 ? "s" : ""})` : "";
  const where = keyPath.length > 0 ? `${formatPath(keyPath)}: ` : "";
  throw new UsageError(`${position}: ${where}${what}${more}`);
}

export function formatPath(path: KeyPath): string {
  return path.map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? part : `.${part}`)).join("");
}

function startsWith(path: KeyPath, prefix: KeyPath): boolean {
  return prefix.length <= path.length && prefix.every((part, index) => String(path[index]) === String(part));
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

function describeIssue(issue: z.core.$ZodIssue, received: unknown): string {
  switch (issue.code) {
    case "invalid_type": {
      const expected = issue.expected === "int" ? "an integer" : `a ${issue.expected}`;
      return received === undefined ? `required: expected ${expected}` : `expected ${expected}, got ${describeValue(received)}`;
    }
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeValue(received)}`;
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const relation =
        issue.code === "too_small" ? (issue.inclusive ? "≥" : ">") : issue.inclusive ? "≤" : "<";
      const expected =
        issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint"
          ? `a number ${relation} ${String(bound)}`
          : `a length ${relation} ${String(bound)}`;
      return `expected ${expected}, got ${describeValue(received)}`;
    }
    case "invalid_format":
      return `expected ${issue.message}, got ${describeValue(received)}`;
    case "invalid_union":
      return `got ${describeValue(received)}, which matches none of the accepted forms`;
    default:
      return issue.message;
  }
}

/** The keys an object schema accepts at a path, unwrapping defaults and optionals. */
function knownKeys(schema: z.ZodType, path: KeyPath): string[] {
  let current: unknown = schema;
  const unwrap = (node: unknown): unknown => {
    let inner = node as { def?: { innerType?: unknown; in?: unknown; type?: string } };
    for (let depth = 0; depth < 10 && inner?.def; depth++) {
      if (inner.def.innerType !== undefined) inner = inner.def.innerType as typeof inner;
      else if (inner.def.type === "pipe" && inner.def.in !== undefined) inner = inner.def.in as typeof inner;
      else break;
    }
    return inner;
  };
  for (const part of path) {
    const node = unwrap(current) as { shape?: Record<string, unknown>; def?: { element?: unknown } };
    if (typeof part === "number") current = node.def?.element;
    else current = node.shape?.[part];
    if (current === undefined) return [];
  }
  const node = unwrap(current) as { shape?: Record<string, unknown> };
  return node.shape ? Object.keys(node.shape) : [];
}

/** The known key within edit distance 2 (or a third of its length) of a typo. */
function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function nodeAt(document: Document, path: KeyPath): YamlNode | undefined {
  if (path.length === 0) return (document.contents as YamlNode | null) ?? undefined;
  const node = document.getIn(path, true);
  return node !== undefined && node !== null && typeof node === "object" && "range" in (node as object)
    ? (node as YamlNode)
    : undefined;
}

/** The position of the deepest existing node on the path (a missing key points at its parent). */
function locateNode(document: Document, path: KeyPath, locate: (offset: number) => string): string {
  for (let length = path.length; length >= 0; length--) {
    const prefix = path.slice(0, length);
    if (length > 0) {
      const parent = nodeAt(document, prefix.slice(0, -1));
      const last = prefix[length - 1];
      if (parent !== undefined && isMap(parent)) {
        const pair = (parent as YAMLMap).items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(last));
        const value = pair?.value as YamlNode | undefined;
        if (value?.range) return locate(value.range[0]);
        const key = pair?.key as YamlNode | undefined;
        if (key?.range) return locate(key.range[0]);
      }
    }
    const node = nodeAt(document, prefix);
    if (node?.range) return locate(node.range[0]);
  }
  return locate(0);
}

function locateKey(document: Document, path: KeyPath, key: string, locate: (offset: number) => string): string {
  const map = nodeAt(document, path);
  if (map !== undefined && isMap(map)) {
    const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    const keyNode = pair?.key as YamlNode | undefined;
    if (keyNode?.range) return locate(keyNode.range[0]);
  }
  return locateNode(document, path, locate);
}
