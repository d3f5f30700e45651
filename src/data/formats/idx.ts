// SPDX-License-Identifier: MIT
/**
 * @module data/formats/idx
 * The IDX format of MNIST and Fashion-MNIST (LeCun's page): a 4-byte magic `00 00 TT NN`
 * (TT the element type, NN the number of dimensions), NN big-endian u32 dimensions, then
 * the elements row-major. Only unsigned bytes (0x08) are used by the datasets we read.
 */
import { DataFileError } from "../files.js";

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/**
 * Parses an IDX file of unsigned bytes with `expectedDims` dimensions, checking the magic,
 * the dimensions and that the file length is exactly header + product of the dimensions.
 * The data is a view into `bytes`, not a copy.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedDims: number): IdxArray {
  if (bytes.length < 4) throw new DataFileError(file, bytes.length, `file ends inside the IDX magic number (${bytes.length} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataFileError(file, 0, `not an IDX file: magic starts ${hex(bytes[0])} ${hex(bytes[1])}, expected 00 00`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new DataFileError(file, 2, `IDX element type ${hex(bytes[2])}, expected 08 (unsigned byte)`);
  }
  if (bytes[3] !== expectedDims) {
    throw new DataFileError(file, 3, `IDX file has ${bytes[3]} dimensions, expected ${expectedDims}`);
  }
  const headerLength = 4 * (expectedDims + 1);
  if (bytes.length < headerLength) {
    throw new DataFileError(file, bytes.length, `file ends inside the IDX header (${headerLength} bytes expected)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let axis = 0; axis < expectedDims; axis++) dims.push(view.getUint32(4 + 4 * axis, false));
  const expectedLength = headerLength + dims.reduce((product, size) => product * size, 1);
  if (bytes.length < expectedLength) {
    throw new DataFileError(file, bytes.length, `file is truncated: dimensions ${dims.join("×")} need ${expectedLength} bytes`);
  }
  if (bytes.length > expectedLength) {
    throw new DataFileError(file, expectedLength, `${bytes.length - expectedLength} unexpected bytes after the data of dimensions ${dims.join("×")}`);
  }
  return { dims, data: bytes.subarray(headerLength) };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
