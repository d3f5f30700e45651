// SPDX-License-Identifier: MIT
/**
 * @module bench/workloads/stream-jpeg
 * Images per second through the file-dataset path a VMMRdb run takes: decode JPEG with
 * sharp (both cores), resize to 224×224, stream with prefetch, and augment each batch
 * (random crop 200, flip, rotation ±10°, colour jitter) to float32. Samples are the cold
 * epoch (empty cache: every JPEG decoded); the details give the warm epoch (resized images
 * read from the persistent cache). The images are generated into a temporary folder:
 * 2,000 JPEGs of 320–480 × 240–360 pixels in 20 class folders.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { augmentBatch, openDataset, streamBatches, type AugmentOptions, type Dataset } from "../../data/index.js";
import { Random } from "../../random.js";
import { median, type Workload } from "../workload.js";

const CLASSES = 20;
const PER_CLASS = 100;
const BATCH = 32;
const AUGMENT: AugmentOptions = { crop: 200, flip: true, rotation: 10, colorJitter: { brightness: 0.2, contrast: 0.2, saturation: 0.2, hue: 0.05 } };

async function writeImages(folder: string): Promise<void> {
  const random = new Random(2024);
  for (let label = 0; label < CLASSES; label++) {
    const classFolder = join(folder, `make${label}_model_${2000 + label}`);
    mkdirSync(classFolder, { recursive: true });
    const writes: Promise<unknown>[] = [];
    for (let index = 0; index < PER_CLASS; index++) {
      const width = 320 + random.integer(161);
      const height = 240 + random.integer(121);
      const raw = Buffer.alloc(width * height * 3);
      for (let at = 0; at < raw.length; at++) raw[at] = (at * (label + 3) + index * 31 + ((at / 3 / width) | 0) * 7) & 255;
      writes.push(sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toFile(join(classFolder, `${index}.jpg`)));
    }
    await Promise.all(writes);
  }
}

async function epoch(dataset: Dataset, seed: number): Promise<number> {
  const split = dataset.splits.train;
  const start = performance.now();
  let images = 0;
  let batchIndex = 0;
  for await (const batch of streamBatches(split, { batchSize: BATCH, seed, prefetch: 2 })) {
    augmentBatch(batch, AUGMENT, { training: true, seed: seed * 1000 + ++batchIndex });
    images += batch.count;
  }
  return images / ((performance.now() - start) / 1000);
}

export const streamJpeg: Workload = {
  name: "stream-jpeg",
  description: "JPEG decode + resize 224 + augmentation, images/s, cold cache (details: warm)",
  unit: "images/s",
  higherIsBetter: true,
  async run(context) {
    const folder = mkdtempSync(join(tmpdir(), "qhybrid-bench-jpeg-"));
    try {
      context.log(`[stream-jpeg] writing ${CLASSES * PER_CLASS} JPEGs to ${folder}`);
      await writeImages(join(folder, "images"));
      const cold: number[] = [];
      const warm: number[] = [];
      for (let repeat = 0; repeat < context.repeats; repeat++) {
        const cacheDir = join(folder, `cache-${repeat}`);
        const options = { root: join(folder, "images"), resize: [224, 224] as [number, number], cacheDir, minImagesPerClass: 2, validationFraction: 0, testFraction: 0.1 };
        const dataset = await openDataset("vmmrdb", options);
        try {
          cold.push(await epoch(dataset, repeat + 1));
          warm.push(await epoch(dataset, repeat + 101));
        } finally {
          await dataset.close();
        }
        context.log(`[stream-jpeg] repeat ${repeat + 1}: cold ${cold.at(-1)!.toFixed(0)}, warm ${warm.at(-1)!.toFixed(0)} images/s`);
      }
      return { samples: cold, details: { warmMedian: Math.round(median(warm)), warm: warm.map(Math.round), images: Math.round(CLASSES * PER_CLASS * 0.9), batch: BATCH } };
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
