// SPDX-License-Identifier: MIT
/**
 * @module data/formats/mat
 * A small reader for MATLAB level-5 `.mat` files (the Stanford Cars devkit), enough for
 * numeric arrays, char arrays, cells and structs, plain or zlib-compressed (miCOMPRESSED).
 * Format: MathWorks "MAT-File Format" (matfile_format.pdf), level 5. Written here rather
 * than depending on `mat-for-js`, which is GPL. Version 7.3 files are HDF5 and are refused.
 */
import { inflateSync } from "node:zlib";
import { DataFileError } from "../files.js";

export type MatValue = MatNumeric | MatChar | MatCell | MatStruct;
export interface MatNumeric {
  kind: "numeric";
  dims: number[];
  /** Column-major, converted to float64 whatever the stored type. */
  data: Float64Array;
}
export interface MatChar {
  kind: "char";
  dims: number[];
  /** Rows of the char matrix (one string for the usual [1, L]). */
  rows: string[];
}
export interface MatCell {
  kind: "cell";
  dims: number[];
  /** Column-major. */
  items: MatValue[];
}
export interface MatStruct {
  kind: "struct";
  dims: number[];
  fieldNames: string[];
  /** Column-major, one record per element. */
  items: Record<string, MatValue>[];
}

const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18 };
const MX = { CELL: 1, STRUCT: 2, OBJECT: 3, CHAR: 4, SPARSE: 5 };

/** The named variables of a level-5 MAT file. */
export function readMat(bytes: Uint8Array, file: string): Map<string, MatValue> {
  if (bytes.length < 128) throw new DataFileError(file, bytes.length, "file ends inside the 128-byte MAT header");
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, 116));
  if (text.startsWith("MATLAB 7.3")) throw new DataFileError(file, 0, "MATLAB 7.3 (HDF5) files are not supported; save with -v7 or -v6");
  if (!text.startsWith("MATLAB 5.0 MAT-file")) throw new DataFileError(file, 0, "not a MATLAB 5 MAT-file (header does not start 'MATLAB 5.0 MAT-file')");
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== "IM") throw new DataFileError(file, 126, endian === "MI" ? "big-endian MAT files are not supported" : `bad endian marker ${JSON.stringify(endian)}`);
  const variables = new Map<string, MatValue>();
  let offset = 128;
  while (offset < bytes.length) {
    const element = readTag(bytes, offset, file);
    if (element.type === MI.COMPRESSED) {
      let inflated: Buffer;
      try {
        inflated = inflateSync(bytes.subarray(element.dataStart, element.dataStart + element.length));
      } catch (error) {
        throw new DataFileError(file, element.dataStart, `compressed element is corrupt (${(error as Error).message})`);
      }
      const inner = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
      const tag = readTag(inner, 0, `${file} (compressed element at byte ${offset})`);
      if (tag.type === MI.MATRIX) {
        const { name, value } = readMatrix(inner, tag.dataStart, tag.length, `${file} (compressed element at byte ${offset})`);
        variables.set(name, value);
      }
      offset = element.dataStart + element.length; // compressed data is not padded
    } else {
      if (element.type === MI.MATRIX) {
        const { name, value } = readMatrix(bytes, element.dataStart, element.length, file);
        variables.set(name, value);
      }
      offset = element.next;
    }
  }
  return variables;
}

interface Tag {
  type: number;
  length: number;
  dataStart: number;
  /** Offset of the next element (data padded to 8 bytes). */
  next: number;
}

function readTag(bytes: Uint8Array, offset: number, file: string): Tag {
  if (offset + 8 > bytes.length) throw new DataFileError(file, offset, "file ends inside a data element tag");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = view.getUint32(offset, true);
  if (first >>> 16 !== 0) {
    // Small data element: type and length packed in 4 bytes, data in the next 4.
    return { type: first & 0xffff, length: first >>> 16, dataStart: offset + 4, next: offset + 8 };
  }
  const length = view.getUint32(offset + 4, true);
  const dataStart = offset + 8;
  if (dataStart + length > bytes.length) {
    throw new DataFileError(file, offset, `element of ${length} bytes runs past the end of the file (${bytes.length} bytes)`);
  }
  return { type: first, length, dataStart, next: dataStart + Math.ceil(length / 8) * 8 };
}

function readMatrix(bytes: Uint8Array, start: number, length: number, file: string): { name: string; value: MatValue } {
  const end = start + length;
  if (length === 0) return { name: "", value: { kind: "numeric", dims: [0, 0], data: new Float64Array(0) } };
  const flagsTag = readTag(bytes, start, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = view.getUint32(flagsTag.dataStart, true);
  const mxClass = flags & 0xff;
  const complex = (flags & 0x0800) !== 0;
  const dimsTag = readTag(bytes, flagsTag.next, file);
  const dims = Array.from(numbers(bytes, dimsTag, file));
  const nameTag = readTag(bytes, dimsTag.next, file);
  const name = new TextDecoder("latin1").decode(bytes.subarray(nameTag.dataStart, nameTag.dataStart + nameTag.length));
  const count = dims.reduce((product, size) => product * size, 1);
  let cursor = nameTag.next;

  if (mxClass === MX.CELL) {
    const items: MatValue[] = [];
    for (let index = 0; index < count; index++) {
      const tag = readTag(bytes, cursor, file);
      if (tag.type !== MI.MATRIX) throw new DataFileError(file, cursor, `cell item has element type ${tag.type}, expected miMATRIX (14)`);
      items.push(readMatrix(bytes, tag.dataStart, tag.length, file).value);
      cursor = tag.next;
    }
    return { name, value: { kind: "cell", dims, items } };
  }
  if (mxClass === MX.STRUCT || mxClass === MX.OBJECT) {
    if (mxClass === MX.OBJECT) {
      cursor = readTag(bytes, cursor, file).next; // class name
    }
    const nameLengthTag = readTag(bytes, cursor, file);
    const fieldNameLength = view.getInt32(nameLengthTag.dataStart, true);
    const namesTag = readTag(bytes, nameLengthTag.next, file);
    const fieldNames: string[] = [];
    for (let offset = 0; offset + fieldNameLength <= namesTag.length; offset += fieldNameLength) {
      const raw = bytes.subarray(namesTag.dataStart + offset, namesTag.dataStart + offset + fieldNameLength);
      const nul = raw.indexOf(0);
      fieldNames.push(new TextDecoder("latin1").decode(nul >= 0 ? raw.subarray(0, nul) : raw));
    }
    cursor = namesTag.next;
    const items: Record<string, MatValue>[] = [];
    for (let index = 0; index < count; index++) {
      const record: Record<string, MatValue> = {};
      for (const field of fieldNames) {
        const tag = readTag(bytes, cursor, file);
        if (tag.type !== MI.MATRIX) throw new DataFileError(file, cursor, `struct field ${field} has element type ${tag.type}, expected miMATRIX (14)`);
        record[field] = readMatrix(bytes, tag.dataStart, tag.length, file).value;
        cursor = tag.next;
      }
      items.push(record);
    }
    return { name, value: { kind: "struct", dims, fieldNames, items } };
  }
  if (mxClass === MX.SPARSE) throw new DataFileError(file, start, "sparse arrays are not supported");

  // Numeric or char: the real part (empty arrays may have no data element).
  const values = cursor < end ? numbers(bytes, readTag(bytes, cursor, file), file) : new Float64Array(0);
  if (complex) throw new DataFileError(file, start, `complex array ${name || "(nested)"} is not supported`);
  if (values.length !== count) throw new DataFileError(file, cursor, `array of dimensions ${dims.join("×")} holds ${values.length} values`);
  if (mxClass === MX.CHAR) {
    const rowsCount = dims[0] ?? 0;
    const columns = rowsCount === 0 ? 0 : count / rowsCount;
    const rows: string[] = [];
    for (let row = 0; row < rowsCount; row++) {
      let text = "";
      for (let column = 0; column < columns; column++) text += String.fromCodePoint(values[row + column * rowsCount]);
      rows.push(text);
    }
    return { name, value: { kind: "char", dims, rows } };
  }
  return { name, value: { kind: "numeric", dims, data: values } };
}

/** The element's data as float64, whatever its stored type (real files store doubles as u8/u16). */
function numbers(bytes: Uint8Array, tag: Tag, file: string): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + tag.dataStart, tag.length);
  const sizes: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4 };
  const size = sizes[tag.type];
  if (size === undefined) throw new DataFileError(file, tag.dataStart - 8, `unexpected element type ${tag.type} for numeric data`);
  if (tag.type === MI.UTF8) {
    const text = new TextDecoder("utf-8").decode(bytes.subarray(tag.dataStart, tag.dataStart + tag.length));
    return Float64Array.from(Array.from(text), (char) => char.codePointAt(0)!);
  }
  const count = Math.floor(tag.length / size);
  const out = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const at = index * size;
    switch (tag.type) {
      case MI.INT8: out[index] = view.getInt8(at); break;
      case MI.UINT8: out[index] = view.getUint8(at); break;
      case MI.INT16: out[index] = view.getInt16(at, true); break;
      case MI.UINT16: case MI.UTF16: out[index] = view.getUint16(at, true); break;
      case MI.INT32: out[index] = view.getInt32(at, true); break;
      case MI.UINT32: case MI.UTF32: out[index] = view.getUint32(at, true); break;
      case MI.SINGLE: out[index] = view.getFloat32(at, true); break;
      case MI.DOUBLE: out[index] = view.getFloat64(at, true); break;
      case MI.INT64: out[index] = Number(view.getBigInt64(at, true)); break;
      case MI.UINT64: out[index] = Number(view.getBigUint64(at, true)); break;
    }
  }
  return out;
}

/** A char value's text (first row), or a one-line error naming the variable. */
export function matString(value: MatValue | undefined, what: string, file: string): string {
  if (value?.kind !== "char") throw new DataFileError(file, 0, `${what} is not a string`);
  return value.rows[0] ?? "";
}

/** A numeric value's single number. */
export function matScalar(value: MatValue | undefined, what: string, file: string): number {
  if (value?.kind !== "numeric" || value.data.length !== 1) throw new DataFileError(file, 0, `${what} is not a number`);
  return value.data[0];
}
