// SPDX-License-Identifier: MIT
/**
 * @module data/decode
 * Every image file goes through sharp here: optional crop to a box, resize to the target
 * (stretched, as torchvision's `Resize((h, w))`), and conversion of greyscale, CMYK,
 * palette, 16-bit and RGBA images to 8-bit sRGB, HWC interleaved. EXIF orientation is
 * ignored, as PIL/torchvision do, so images match published pipelines.
 */
import sharp from "sharp";

/** A crop box in 0-based pixel coordinates, inclusive at both ends. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface DecodeOptions {
  /** [height, width] of the output. */
  size: [number, number];
  /** Crop to this box first (clamped to the image). */
  box?: Box;
  /** 'truncated' refuses truncated JPEGs (scraped sets); 'none' decodes what is there. */
  failOn?: "none" | "truncated" | "error" | "warning";
  /** 1 for greyscale datasets; default 3 (RGB). */
  channels?: 1 | 3;
}

/** Decodes `source` (a path or the file's bytes) to uint8 HWC of `size`. Throws on unreadable images. */
export async function decodeImage(source: string | Uint8Array, options: DecodeOptions): Promise<Uint8Array> {
  const [height, width] = options.size;
  const channels = options.channels ?? 3;
  let pipeline = sharp(source, { failOn: options.failOn ?? "truncated", limitInputPixels: 2 ** 28 });
  if (options.box) {
    const { width: imageWidth, height: imageHeight } = await pipeline.metadata();
    if (imageWidth && imageHeight) {
      const left = clamp(Math.round(options.box.x1), 0, imageWidth - 1);
      const top = clamp(Math.round(options.box.y1), 0, imageHeight - 1);
      const right = clamp(Math.round(options.box.x2), left, imageWidth - 1);
      const bottom = clamp(Math.round(options.box.y2), top, imageHeight - 1);
      pipeline = pipeline.extract({ left, top, width: right - left + 1, height: bottom - top + 1 });
    }
  }
  pipeline = pipeline.resize(width, height, { fit: "fill" }).removeAlpha().toColourspace(channels === 1 ? "b-w" : "srgb");
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels || info.width !== width || info.height !== height) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×${channels}`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** Runs at most `limit` tasks at once; the decode pool shared by every reader of a dataset. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so the count never overshoots.
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
