// SPDX-License-Identifier: MIT
/**
 * @module quantum/values-file
 * Reads the numbers `qhybrid circuit --run` takes: input samples and weight vectors, as
 * JSON (a number array, or an array of arrays) or NumPy .npy (version 1–3, little-endian
 * float32/float64/int32/int64, C order, 1-D or 2-D). Problems are one located line:
 * `FILE:LINE:COL: invalid JSON: …`, `FILE: [2][5]: expected a number, got "a"`.
 */
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { UsageError } from "../errors.js";

/** Numbers as rows: a 1-D file is one row. */
export interface ValuesTable {
  rows: number[][];
  /** True when the file held a single flat array. */
  flat: boolean;
}

export function readValuesFile(path: string): ValuesTable {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot read (${code === "ENOENT" ? "no such file" : (code ?? String(error))})`);
  }
  if (bytes.subarray(0, 6).equals(NPY_MAGIC)) return readNpy(bytes, path);
  return readJson(bytes.toString("utf8"), path);
}

function readJson(text: string, path: string): ValuesTable {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = Number(/ at position (\d+)/.exec(message)?.[1] ?? locateByYaml(text));
    let where = path;
    if (Number.isFinite(offset)) {
      const before = text.slice(0, offset).split("\n");
      where = `${path}:${before.length}:${before[before.length - 1].length + 1}`;
    }
    const reason = message.replace(/ in JSON at position \d+.*$/s, "").replace(/, ".*" is not valid JSON$/s, "");
    throw new UsageError(`${where}: invalid JSON: ${reason} (expected a number array, or an array of arrays)`);
  }
  const describe = (item: unknown): string => (Array.isArray(item) ? "an array" : item === null ? "null" : typeof item === "object" ? "an object" : JSON.stringify(item));
  const number = (item: unknown, at: string): number => {
    if (typeof item !== "number" || !Number.isFinite(item)) throw new UsageError(`${path}: ${at}: expected a number, got ${describe(item)}`);
    return item;
  };
  if (!Array.isArray(value)) throw new UsageError(`${path}: expected a number array, or an array of arrays, got ${describe(value)}`);
  if (value.length > 0 && value.every((item) => !Array.isArray(item))) {
    return { rows: [value.map((item, index) => number(item, `[${index}]`))], flat: true };
  }
  const rows = value.map((row, index) => {
    if (!Array.isArray(row)) throw new UsageError(`${path}: [${index}]: expected an array of numbers (one row per sample), got ${describe(row)}`);
    return row.map((item, column) => number(item, `[${index}][${column}]`));
  });
  return { rows, flat: false };
}

/** Where a YAML parser (JSON is YAML 1.2) first stumbles; V8's JSON messages do not always say. */
function locateByYaml(text: string): number | undefined {
  const document = parseDocument(text, { prettyErrors: false });
  return document.errors[0]?.pos[0];
}

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
const NPY_TYPES: Record<string, { size: number; read: (view: DataView, offset: number) => number }> = {
  "<f4": { size: 4, read: (view, offset) => view.getFloat32(offset, true) },
  "<f8": { size: 8, read: (view, offset) => view.getFloat64(offset, true) },
  "<i4": { size: 4, read: (view, offset) => view.getInt32(offset, true) },
  "<i8": { size: 8, read: (view, offset) => Number(view.getBigInt64(offset, true)) },
};

/** The .npy format: numpy/lib/format.py (magic, version, header length, a Python dict literal, data). */
function readNpy(bytes: Buffer, path: string): ValuesTable {
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.subarray(headerStart, headerStart + headerLength).toString("latin1");
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new UsageError(`${path}: not a readable .npy header: ${header.trim()}`);
  const type = NPY_TYPES[descr];
  if (type === undefined) throw new UsageError(`${path}: .npy dtype ${descr} is not supported; expected one of ${Object.keys(NPY_TYPES).join(", ")}`);
  if (fortran === "True") throw new UsageError(`${path}: .npy in Fortran order is not supported; save a C-ordered array`);
  const shape = shapeText.split(",").map((part) => part.trim()).filter(Boolean).map(Number);
  if (shape.length < 1 || shape.length > 2) throw new UsageError(`${path}: expected a 1-D or 2-D array, got shape (${shape.join(", ")})`);
  const [rowCount, columns] = shape.length === 1 ? [1, shape[0]] : shape;
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart + rowCount * columns * type.size) throw new UsageError(`${path}: .npy data is shorter than its shape (${shape.join(", ")}) says`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart);
  const rows = Array.from({ length: rowCount }, (_, row) => Array.from({ length: columns }, (_, column) => type.read(view, (row * columns + column) * type.size)));
  return { rows, flat: shape.length === 1 };
}
