// SPDX-License-Identifier: MIT
/**
 * @module test/data/mat-writer
 * A small MATLAB level-5 writer for test fixtures: numeric (stored as the smallest integer
 * type that holds the values, as MATLAB does for the real devkit files), char, cell and
 * struct arrays, each variable plain or wrapped in miCOMPRESSED.
 */
import { deflateSync } from "node:zlib";

export type MatInput =
  | { kind: "numeric"; dims?: number[]; data: number[] }
  | { kind: "char"; text: string }
  | { kind: "cell"; items: MatInput[] }
  | { kind: "struct"; fields: string[]; items: Record<string, MatInput>[] };

const MI_INT8 = 1, MI_UINT8 = 2, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6, MI_DOUBLE = 9, MI_MATRIX = 14, MI_COMPRESSED = 15;
const MX_CELL = 1, MX_STRUCT = 2, MX_CHAR = 4, MX_DOUBLE = 6;

function element(type: number, data: Uint8Array): Buffer {
  if (data.length <= 4 && type !== MI_MATRIX) {
    const small = Buffer.alloc(8);
    small.writeUInt32LE(((data.length << 16) | type) >>> 0, 0);
    small.set(data, 4);
    return small;
  }
  const padded = Math.ceil(data.length / 8) * 8;
  const out = Buffer.alloc(8 + padded);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(data.length, 4);
  out.set(data, 8);
  return out;
}

function int32s(values: number[]): Uint8Array {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => out.writeInt32LE(value, index * 4));
  return out;
}

function header(mxClass: number, dims: number[], name: string): Buffer[] {
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(mxClass, 0);
  return [element(MI_UINT32, flags), element(MI_INT32, int32s(dims)), element(MI_INT8, Buffer.from(name, "latin1"))];
}

function numericData(values: number[]): Buffer {
  if (values.every((value) => Number.isInteger(value) && value >= 0 && value < 256)) return element(MI_UINT8, Uint8Array.from(values));
  if (values.every((value) => Number.isInteger(value) && value >= 0 && value < 65536)) {
    const out = Buffer.alloc(values.length * 2);
    values.forEach((value, index) => out.writeUInt16LE(value, index * 2));
    return element(MI_UINT16, out);
  }
  const out = Buffer.alloc(values.length * 8);
  values.forEach((value, index) => out.writeDoubleLE(value, index * 8));
  return element(MI_DOUBLE, out);
}

export function matrix(name: string, value: MatInput): Buffer {
  const parts: Buffer[] = [];
  if (value.kind === "numeric") {
    parts.push(...header(MX_DOUBLE, value.dims ?? [1, value.data.length], name), numericData(value.data));
  } else if (value.kind === "char") {
    const utf16 = Buffer.alloc(value.text.length * 2);
    for (let index = 0; index < value.text.length; index++) utf16.writeUInt16LE(value.text.charCodeAt(index), index * 2);
    parts.push(...header(MX_CHAR, [1, value.text.length], name), element(MI_UINT16, utf16));
  } else if (value.kind === "cell") {
    parts.push(...header(MX_CELL, [1, value.items.length], name), ...value.items.map((item) => matrix("", item)));
  } else {
    const width = 32;
    const names = Buffer.alloc(width * value.fields.length);
    value.fields.forEach((field, index) => names.write(field, index * width, "latin1"));
    parts.push(...header(MX_STRUCT, [1, value.items.length], name), element(MI_INT32, int32s([width])), element(MI_INT8, names));
    for (const item of value.items) for (const field of value.fields) parts.push(matrix("", item[field]));
  }
  return element(MI_MATRIX, Buffer.concat(parts));
}

/** A whole .mat file; `compressed` wraps each variable in miCOMPRESSED like MATLAB's -v7. */
export function writeMat(variables: Record<string, MatInput>, compressed: boolean): Buffer {
  const head = Buffer.alloc(128, 0x20);
  head.write("MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2015", 0, "latin1");
  head.fill(0, 116, 124);
  head.writeUInt16LE(0x0100, 124);
  head.write("IM", 126, "latin1");
  const body = Object.entries(variables).map(([name, value]) => {
    const plain = matrix(name, value);
    if (!compressed) return plain;
    const zipped = deflateSync(plain);
    const tag = Buffer.alloc(8);
    tag.writeUInt32LE(MI_COMPRESSED, 0);
    tag.writeUInt32LE(zipped.length, 4);
    return Buffer.concat([tag, zipped]);
  });
  return Buffer.concat([head, ...body]);
}
