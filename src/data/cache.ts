// SPDX-License-Identifier: MIT
/**
 * @module data/cache
 * The persistent cache of resized images, so the second epoch (and the next run) does not
 * decode JPEGs again. One folder per (dataset root, split, resize options), holding
 * `images.bin` (slot i = image i of the split, h·w·c bytes, written in place) and
 * `keys.bin` (16 bytes per slot: a status byte — 0 empty, 1 cached, 2 unreadable — and 15
 * bytes of SHA-256 over the source path, size, mtime and resize options). A slot is used only
 * when its key matches the source file now, so an edited or replaced image is decoded again.
 * Keys are held in memory (16 bytes per image: 4.7 MB for VMMRdb's 292k) and flushed every
 * few hundred writes and on close; a crash loses only unflushed keys, never serves a wrong
 * image (the image bytes are written before the key).
 */
import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename, writeFile, type FileHandle } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export const KEY_BYTES = 16;
export const STATUS_EMPTY = 0;
export const STATUS_CACHED = 1;
export const STATUS_UNREADABLE = 2;
const FLUSH_EVERY = 256;

/** `$QHYBRID_CACHE`, else `$XDG_CACHE_HOME/qhybrid`, else `~/.cache/qhybrid`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QHYBRID_CACHE) return resolve(env.QHYBRID_CACHE);
  if (env.XDG_CACHE_HOME) return join(resolve(env.XDG_CACHE_HOME), "qhybrid");
  return join(homedir(), ".cache", "qhybrid");
}

export interface SourceIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

export function sourceKey(source: SourceIdentity, optionsKey: string): Uint8Array {
  const digest = createHash("sha256").update(`${source.path}\0${source.size}\0${Math.round(source.mtimeMs)}\0${optionsKey}`).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, KEY_BYTES - 1);
}

export class ResizedImageCache {
  private writesSinceFlush = 0;
  private closed = false;
  /** Flushes run one after another: concurrent decodes may each trigger one. */
  private flushing: Promise<void> = Promise.resolve();

  private constructor(
    readonly folder: string,
    readonly slotBytes: number,
    private readonly keys: Uint8Array,
    private readonly images: FileHandle,
  ) {}

  /** Opens (creating if needed) the cache folder for `count` slots of `slotBytes`. */
  static async open(folder: string, count: number, slotBytes: number): Promise<ResizedImageCache> {
    await mkdir(folder, { recursive: true });
    const keys = new Uint8Array(count * KEY_BYTES);
    try {
      const stored = await readFile(join(folder, "keys.bin"));
      if (stored.length === keys.length) keys.set(stored);
    } catch {
      // no keys yet: every slot starts empty
    }
    const images = await open(join(folder, "images.bin"), "a+").then(async (handle) => {
      await handle.close();
      return open(join(folder, "images.bin"), "r+");
    });
    await writeFile(join(folder, "info.json"), `${JSON.stringify({ count, slotBytes, version: 1 })}\n`);
    return new ResizedImageCache(folder, slotBytes, keys, images);
  }

  /** STATUS_* of slot `index` for a source whose key is `key`. */
  status(index: number, key: Uint8Array): number {
    const at = index * KEY_BYTES;
    const status = this.keys[at];
    if (status === STATUS_EMPTY) return STATUS_EMPTY;
    for (let byte = 0; byte < KEY_BYTES - 1; byte++) if (this.keys[at + 1 + byte] !== key[byte]) return STATUS_EMPTY;
    return status;
  }

  /** Reads a cached image into `target` at `targetOffset`. */
  async read(index: number, target: Uint8Array, targetOffset: number): Promise<boolean> {
    const { bytesRead } = await this.images.read(target, targetOffset, this.slotBytes, index * this.slotBytes);
    return bytesRead === this.slotBytes;
  }

  async write(index: number, key: Uint8Array, image: Uint8Array): Promise<void> {
    await this.images.write(image, 0, this.slotBytes, index * this.slotBytes);
    this.setKey(index, key, STATUS_CACHED);
    await this.maybeFlush();
  }

  async markUnreadable(index: number, key: Uint8Array): Promise<void> {
    this.setKey(index, key, STATUS_UNREADABLE);
    await this.maybeFlush();
  }

  /** Slots whose status is STATUS_CACHED, whatever their source now (for `prepare` reports). */
  countCached(): number {
    let cached = 0;
    for (let at = 0; at < this.keys.length; at += KEY_BYTES) if (this.keys[at] === STATUS_CACHED) cached++;
    return cached;
  }

  async flush(): Promise<void> {
    this.writesSinceFlush = 0;
    this.flushing = this.flushing.then(async () => {
      const temporary = join(this.folder, `keys.bin.${process.pid}.tmp`);
      await writeFile(temporary, this.keys);
      await rename(temporary, join(this.folder, "keys.bin"));
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.images.sync().catch(() => undefined);
    await this.flush();
    await this.images.close();
  }

  private setKey(index: number, key: Uint8Array, status: number): void {
    const at = index * KEY_BYTES;
    this.keys[at] = status;
    this.keys.set(key.subarray(0, KEY_BYTES - 1), at + 1);
    this.writesSinceFlush++;
  }

  private async maybeFlush(): Promise<void> {
    if (this.writesSinceFlush >= FLUSH_EVERY) await this.flush();
  }
}

/** The cache folder for one split of one dataset copy under given decode options. */
export function cacheFolder(cacheDir: string, dataset: string, root: string, split: string, optionsKey: string): string {
  const digest = createHash("sha256").update(`${resolve(root)}\0${split}\0${optionsKey}`).digest("hex").slice(0, 16);
  return join(cacheDir, dataset, `${split}-${digest}`);
}
