// SPDX-License-Identifier: MIT
/**
 * @module data/augment
 * Per-batch preprocessing, uint8 HWC in, float32 NHWC out (pixels in [0, 1], then
 * normalised if asked): resize, crop, and — for training only — horizontal flip, rotation
 * and colour jitter (brightness, contrast, saturation, hue, as torchvision's ColorJitter
 * with a fixed order). Seeded per batch: the same seed gives the same batch. Evaluation
 * (`training: false`) applies only resize, a centre crop and normalisation.
 * Plain TypeScript on typed arrays: backend-independent, deterministic, and cheap next to
 * the model (about 1 ms per 224×224 image per op on one core); the trainer wraps the
 * result with `tf.tensor4d(data, shape)`.
 */
import { Random } from "../random.js";
import type { DataConfig } from "./schema.js";
import type { ImageShape } from "./types.js";

export interface ColorJitter {
  /** Brightness factor drawn from [max(0, 1-b), 1+b]. */
  brightness: number;
  contrast: number;
  saturation: number;
  /** Hue shift drawn from [-hue, hue] turns (≤ 0.5). */
  hue: number;
}

export interface AugmentOptions {
  /** Resize to [height, width] first (bilinear). */
  resize?: [number, number];
  /** Square crop: random position in training, centred in evaluation. */
  crop?: number;
  /** Horizontal flip with probability 0.5 (training). */
  flip?: boolean;
  /** Rotation uniform in [-rotation, rotation] degrees, bilinear, zero fill (training). */
  rotation?: number;
  colorJitter?: ColorJitter;
  /** Per-channel (x - mean) / std on [0, 1] pixels; one value applies to every channel. */
  normalize?: { mean: number[]; std: number[] };
}

export interface FloatBatch {
  /** count × h × w × c, NHWC. */
  data: Float32Array;
  shape: [number, number, number, number];
}

/** The augmentation described by a validated `data:` config section. */
export function augmentOptionsFromConfig(data: DataConfig, options: { includeNormalize?: boolean } = {}): AugmentOptions {
  return {
    ...(data.resize ? { resize: data.resize } : {}),
    ...(data.augment.crop !== undefined ? { crop: data.augment.crop } : {}),
    flip: data.augment.flip,
    rotation: data.augment.rotation,
    ...(data.augment.colorJitter ? { colorJitter: data.augment.colorJitter } : {}),
    ...(options.includeNormalize !== false && data.normalize ? { normalize: data.normalize } : {}),
  };
}

/** Output [height, width, channels] of augmentBatch for inputs of `shape`. */
export function augmentedShape(shape: ImageShape, options: AugmentOptions): ImageShape {
  const [height, width] = options.resize ?? [shape[0], shape[1]];
  if (options.crop === undefined) return [height, width, shape[2]];
  if (options.crop > height || options.crop > width) throw new RangeError(`crop ${options.crop} does not fit in ${height}×${width} images`);
  return [options.crop, options.crop, shape[2]];
}

/**
 * Turns a uint8 batch into a float32 batch. `seed` (training only) fixes every random draw;
 * give each batch its own, e.g. deriveSeed(runSeed, `augment:${epoch}:${batch}`).
 */
export function augmentBatch(
  batch: { images: Uint8Array; count: number; shape: ImageShape },
  options: AugmentOptions,
  context: { training: boolean; seed?: number },
): FloatBatch {
  const [height, width, channels] = batch.shape;
  const [outHeight, outWidth] = augmentedShape(batch.shape, options);
  const inSize = height * width * channels;
  const outSize = outHeight * outWidth * channels;
  const data = new Float32Array(batch.count * outSize);
  const random = context.training ? new Random(context.seed ?? 1) : null;
  const [resizedHeight, resizedWidth] = options.resize ?? [height, width];
  for (let index = 0; index < batch.count; index++) {
    let image: Float32Array = toUnitFloat(batch.images.subarray(index * inSize, (index + 1) * inSize));
    if (resizedHeight !== height || resizedWidth !== width) {
      image = resizeBilinear(image, height, width, channels, resizedHeight, resizedWidth);
    }
    if (options.crop !== undefined) {
      const maxTop = resizedHeight - options.crop;
      const maxLeft = resizedWidth - options.crop;
      const top = random ? random.integer(maxTop + 1) : Math.floor(maxTop / 2);
      const left = random ? random.integer(maxLeft + 1) : Math.floor(maxLeft / 2);
      image = cropImage(image, resizedHeight, resizedWidth, channels, top, left, options.crop, options.crop);
    }
    if (random) {
      if (options.flip && random.uniform() < 0.5) image = flipHorizontal(image, outHeight, outWidth, channels);
      if (options.rotation) {
        const degrees = (random.uniform() * 2 - 1) * options.rotation;
        image = rotate(image, outHeight, outWidth, channels, degrees);
      }
      if (options.colorJitter) jitterColour(image, channels, options.colorJitter, random);
    }
    if (options.normalize) normalizeInPlace(image, channels, options.normalize.mean, options.normalize.std);
    data.set(image, index * outSize);
  }
  return { data, shape: [batch.count, outHeight, outWidth, channels] };
}

export function toUnitFloat(image: Uint8Array): Float32Array {
  const out = new Float32Array(image.length);
  for (let index = 0; index < image.length; index++) out[index] = image[index] / 255;
  return out;
}

/** Bilinear resize with half-pixel centres (tf.image.resizeBilinear with halfPixelCenters). */
export function resizeBilinear(image: Float32Array, height: number, width: number, channels: number, outHeight: number, outWidth: number): Float32Array {
  const out = new Float32Array(outHeight * outWidth * channels);
  const scaleY = height / outHeight;
  const scaleX = width / outWidth;
  for (let y = 0; y < outHeight; y++) {
    const sourceY = Math.min(Math.max((y + 0.5) * scaleY - 0.5, 0), height - 1);
    const y0 = Math.floor(sourceY);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sourceY - y0;
    for (let x = 0; x < outWidth; x++) {
      const sourceX = Math.min(Math.max((x + 0.5) * scaleX - 0.5, 0), width - 1);
      const x0 = Math.floor(sourceX);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sourceX - x0;
      for (let c = 0; c < channels; c++) {
        const top = image[(y0 * width + x0) * channels + c] * (1 - fx) + image[(y0 * width + x1) * channels + c] * fx;
        const bottom = image[(y1 * width + x0) * channels + c] * (1 - fx) + image[(y1 * width + x1) * channels + c] * fx;
        out[(y * outWidth + x) * channels + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

export function cropImage(image: Float32Array, height: number, width: number, channels: number, top: number, left: number, cropHeight: number, cropWidth: number): Float32Array {
  if (top < 0 || left < 0 || top + cropHeight > height || left + cropWidth > width) throw new RangeError("crop outside the image");
  const out = new Float32Array(cropHeight * cropWidth * channels);
  for (let y = 0; y < cropHeight; y++) {
    const from = ((top + y) * width + left) * channels;
    out.set(image.subarray(from, from + cropWidth * channels), y * cropWidth * channels);
  }
  return out;
}

export function flipHorizontal(image: Float32Array, height: number, width: number, channels: number): Float32Array {
  const out = new Float32Array(image.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * channels;
      const to = (y * width + (width - 1 - x)) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = image[from + c];
    }
  }
  return out;
}

/** Rotation by `degrees` counter-clockwise about the image centre; bilinear, zero outside. */
export function rotate(image: Float32Array, height: number, width: number, channels: number, degrees: number): Float32Array {
  if (degrees === 0) return image.slice();
  const out = new Float32Array(image.length);
  const radians = (degrees * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const centreY = (height - 1) / 2;
  const centreX = (width - 1) / 2;
  for (let y = 0; y < height; y++) {
    const dy = y - centreY;
    for (let x = 0; x < width; x++) {
      // Inverse map: where this output pixel came from (y axis points down).
      const dx = x - centreX;
      const sourceX = cos * dx - sin * dy + centreX;
      const sourceY = sin * dx + cos * dy + centreY;
      const x0 = Math.floor(sourceX);
      const y0 = Math.floor(sourceY);
      if (x0 < -1 || y0 < -1 || x0 >= width || y0 >= height) continue;
      const fx = sourceX - x0;
      const fy = sourceY - y0;
      // Corner weights, zeroed for corners outside the image.
      const inX0 = x0 >= 0, inX1 = x0 + 1 < width, inY0 = y0 >= 0, inY1 = y0 + 1 < height;
      const w00 = inY0 && inX0 ? (1 - fx) * (1 - fy) : 0;
      const w01 = inY0 && inX1 ? fx * (1 - fy) : 0;
      const w10 = inY1 && inX0 ? (1 - fx) * fy : 0;
      const w11 = inY1 && inX1 ? fx * fy : 0;
      const a00 = (y0 * width + x0) * channels;
      const a01 = a00 + channels;
      const a10 = a00 + width * channels;
      const a11 = a10 + channels;
      const target = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) {
        out[target + c] =
          (w00 ? image[a00 + c] * w00 : 0) + (w01 ? image[a01 + c] * w01 : 0) + (w10 ? image[a10 + c] * w10 : 0) + (w11 ? image[a11 + c] * w11 : 0);
      }
    }
  }
  return out;
}

function drawFactor(random: Random, amount: number): number {
  return amount > 0 ? Math.max(0, 1 - amount) + random.uniform() * (1 + amount - Math.max(0, 1 - amount)) : 1;
}

/** Brightness, contrast, saturation, hue in that order (each skipped when its amount is 0). */
export function jitterColour(image: Float32Array, channels: number, jitter: ColorJitter, random: Random): void {
  const brightness = drawFactor(random, jitter.brightness);
  const contrast = drawFactor(random, jitter.contrast);
  const saturation = drawFactor(random, jitter.saturation);
  const hue = jitter.hue > 0 ? (random.uniform() * 2 - 1) * jitter.hue : 0;
  if (brightness !== 1) adjustBrightness(image, brightness);
  if (contrast !== 1) adjustContrast(image, channels, contrast);
  if (channels === 3 && saturation !== 1) adjustSaturation(image, saturation);
  if (channels === 3 && hue !== 0) adjustHue(image, hue);
}

export function adjustBrightness(image: Float32Array, factor: number): void {
  for (let index = 0; index < image.length; index++) image[index] = clampUnit(image[index] * factor);
}

/** Blend with the mean grey level (torchvision adjust_contrast). */
export function adjustContrast(image: Float32Array, channels: number, factor: number): void {
  let sum = 0;
  const pixels = image.length / channels;
  for (let pixel = 0; pixel < pixels; pixel++) sum += grey(image, pixel * channels, channels);
  const mean = sum / pixels;
  for (let index = 0; index < image.length; index++) image[index] = clampUnit((image[index] - mean) * factor + mean);
}

/** Blend each pixel with its grey level (torchvision adjust_saturation). */
export function adjustSaturation(image: Float32Array, factor: number): void {
  for (let at = 0; at < image.length; at += 3) {
    const level = grey(image, at, 3);
    for (let c = 0; c < 3; c++) image[at + c] = clampUnit((image[at + c] - level) * factor + level);
  }
}

/** Rotates hue by `shift` turns through HSV (torchvision adjust_hue). */
export function adjustHue(image: Float32Array, shift: number): void {
  for (let at = 0; at < image.length; at += 3) {
    const r = image[at], g = image[at + 1], b = image[at + 2];
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const delta = max - min;
    if (delta === 0) continue;
    let h = max === r ? (g - b) / delta : max === g ? 2 + (b - r) / delta : 4 + (r - g) / delta;
    h = (((h / 6 + shift) % 1) + 1) % 1;
    const s = delta / max;
    const v = max;
    const sector = Math.floor(h * 6) % 6;
    const f = h * 6 - Math.floor(h * 6);
    const p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    let red: number, green: number, blue: number;
    switch (sector) {
      case 0: red = v; green = t; blue = p; break;
      case 1: red = q; green = v; blue = p; break;
      case 2: red = p; green = v; blue = t; break;
      case 3: red = p; green = q; blue = v; break;
      case 4: red = t; green = p; blue = v; break;
      default: red = v; green = p; blue = q;
    }
    image[at] = red;
    image[at + 1] = green;
    image[at + 2] = blue;
  }
}

export function normalizeInPlace(image: Float32Array, channels: number, mean: number[], std: number[]): void {
  for (let c = 0; c < channels; c++) {
    const m = mean.length === 1 ? mean[0] : mean[c];
    const s = std.length === 1 ? std[0] : std[c];
    for (let index = c; index < image.length; index += channels) image[index] = (image[index] - m) / s;
  }
}

function grey(image: Float32Array, at: number, channels: number): number {
  return channels === 3 ? 0.299 * image[at] + 0.587 * image[at + 1] + 0.114 * image[at + 2] : image[at];
}

function clampUnit(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
