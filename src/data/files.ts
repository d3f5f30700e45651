// SPDX-License-Identifier: MIT
/**
 * @module data/files
 * Reading dataset files: whole files with gzip detected from the first two bytes (never the
 * extension), ranges by offset for files too large to hold, and the one error shape every
 * loader uses for a truncated or corrupt file (file, byte offset, what was expected).
 */
import { createReadStream } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { createGunzip, gunzip } from "node:zlib";
import { promisify } from "node:util";
import { UserError } from "../errors.js";

const gunzipAsync = promisify(gunzip);

/** A corrupt or truncated data file: names the file and the byte offset. */
export class DataFileError extends UserError {
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`${file}: at byte ${offset}: ${detail}`);
    this.name = "DataFileError";
  }
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's bytes, decompressed when it is gzip. */
export async function readMaybeGzip(path: string): Promise<Uint8Array> {
  const raw = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`${path}: cannot read (${error.code ?? error.message})`);
  });
  if (!isGzip(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  try {
    const inflated = await gunzipAsync(raw);
    return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
  } catch (error) {
    throw new DataFileError(path, raw.length, `gzip stream is truncated or corrupt (${(error as Error).message})`);
  }
}

/** Reads `length` bytes at `offset`; a short read is a truncated file. */
export async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) throw new DataFileError(path, offset + filled, `file ends early, expected ${length - filled} more bytes`);
      filled += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}

/** Lines of a small text file (label names, fold indices): trimmed, empty lines dropped. */
export async function readLines(path: string): Promise<string[]> {
  const text = new TextDecoder().decode(await readMaybeGzip(path));
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/**
 * The first `length` bytes of the file's content, decompressing only as far as needed when
 * it is gzip (reading the 16-byte IDX header of a 26 MB .gz takes microseconds). Shorter
 * when the content is shorter.
 */
export async function readHead(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  let magic: Uint8Array;
  try {
    magic = new Uint8Array(2);
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  if (!isGzip(magic)) {
    const size = await fileSize(path);
    return readRange(path, 0, Math.min(length, size));
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const source = createReadStream(path);
  const inflater = createGunzip();
  try {
    for await (const chunk of source.pipe(inflater) as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= length) break;
    }
  } catch (error) {
    throw new DataFileError(path, 0, `gzip stream is corrupt (${(error as Error).message})`);
  } finally {
    source.destroy();
    inflater.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks).subarray(0, length));
}
