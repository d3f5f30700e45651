// SPDX-License-Identifier: MIT
/**
 * @module test/data/fixtures
 * Writes tiny datasets in each exact on-disk format into temporary folders, so no binary
 * blobs are committed. Every image carries an asymmetric marker so a transposed or
 * CHW/HWC-confused loader fails: IDX/CIFAR/STL have red 255 at row 0, column 1 (STL-10:
 * byte 96 of the plane, as its planes are column-major) and the image index at row 2,
 * column 0 of the first channel; the Cars and VMMRdb JPEGs are red on the left half and
 * blue on the right.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import sharp from "sharp";
import { writeMat, type MatInput } from "./mat-writer.js";

export function temporaryFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `qhybrid-${prefix}-`));
}

// ---------- IDX (MNIST, Fashion-MNIST) ----------

export const IDX_TRAIN = 12;
export const IDX_TEST = 8;

/** 28×28 image `index`: 255 at (0, 1), the index at (2, 0), zero elsewhere. */
export function idxImage(index: number): Uint8Array {
  const image = new Uint8Array(784);
  image[1] = 255;
  image[2 * 28] = index;
  return image;
}

export function idxLabel(index: number): number {
  return (index * 7) % 10;
}

export function idxImagesFile(count: number, offset = 0): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(count, 4);
  header.writeUInt32BE(28, 8);
  header.writeUInt32BE(28, 12);
  return Buffer.concat([header, ...Array.from({ length: count }, (_, index) => Buffer.from(idxImage(offset + index)))]);
}

export function idxLabelsFile(count: number, offset = 0): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(0x00000801, 0);
  header.writeUInt32BE(count, 4);
  return Buffer.concat([header, Buffer.from(Array.from({ length: count }, (_, index) => idxLabel(offset + index)))]);
}

/** The four IDX files; `style`: raw names, `.gz`, dot spelling, or Kaggle's folder per file. */
export function writeIdxDataset(dir: string, style: "raw" | "gzip" | "dot" | "kaggle"): string {
  mkdirSync(dir, { recursive: true });
  const files: [string, Buffer][] = [
    ["train-images-idx3-ubyte", idxImagesFile(IDX_TRAIN)],
    ["train-labels-idx1-ubyte", idxLabelsFile(IDX_TRAIN)],
    ["t10k-images-idx3-ubyte", idxImagesFile(IDX_TEST, 100)],
    ["t10k-labels-idx1-ubyte", idxLabelsFile(IDX_TEST, 100)],
  ];
  for (const [name, bytes] of files) {
    if (style === "gzip") writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes));
    else if (style === "dot") writeFileSync(join(dir, name.replace(/-idx/, ".idx")), bytes);
    else if (style === "kaggle") {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, name), bytes);
    } else writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

/** Kaggle CSV: `label,pixel1…` with a header (fashion) or without (mnist). */
export function writeIdxCsv(dir: string, prefix: "mnist" | "fashion-mnist"): string {
  mkdirSync(dir, { recursive: true });
  for (const [split, count, offset] of [["train", IDX_TRAIN, 0], ["test", IDX_TEST, 100]] as const) {
    const rows = Array.from({ length: count }, (_, index) => [idxLabel(offset + index), ...idxImage(offset + index)].join(","));
    if (prefix === "fashion-mnist") rows.unshift(["label", ...Array.from({ length: 784 }, (_, index) => `pixel${index + 1}`)].join(","));
    writeFileSync(join(dir, `${prefix}_${split}.csv`), `${rows.join("\n")}\n`);
  }
  return dir;
}

// ---------- CIFAR-100 ----------

export const CIFAR_TRAIN = 6;
export const CIFAR_TEST = 4;
export const cifarCoarse = (index: number) => index % 20;
export const cifarFine = (index: number) => (index % 20) + 40;

export function cifarRecords(count: number, offset = 0): Buffer {
  const out = Buffer.alloc(count * 3074);
  for (let record = 0; record < count; record++) {
    const at = record * 3074;
    out[at] = cifarCoarse(offset + record);
    out[at + 1] = cifarFine(offset + record);
    out[at + 2 + 1] = 255; // R plane, row 0, column 1
    out[at + 2 + 2 * 32] = offset + record; // R plane, row 2, column 0
    out[at + 2 + 1024 + 5] = 77; // G plane, row 0, column 5
  }
  return out;
}

export function writeCifar100(dir: string): string {
  const folder = join(dir, "cifar-100-binary");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "train.bin"), cifarRecords(CIFAR_TRAIN));
  writeFileSync(join(folder, "test.bin"), cifarRecords(CIFAR_TEST, 50));
  writeFileSync(join(folder, "fine_label_names.txt"), `${Array.from({ length: 100 }, (_, index) => `fine${index}`).join("\n")}\n\n`);
  writeFileSync(join(folder, "coarse_label_names.txt"), Array.from({ length: 20 }, (_, index) => `coarse${index}  `).join("\r\n"));
  return dir;
}

// ---------- STL-10 ----------

export const STL_TRAIN = 10;
export const STL_TEST = 4;
export const STL_UNLABELED = 3;

/** Column-major planes: pixel (c, y, x) at c·9216 + x·96 + y. Red 255 at row 0, column 1 is byte 96. */
export function stlImages(count: number, offset = 0): Buffer {
  const out = Buffer.alloc(count * 27648);
  for (let index = 0; index < count; index++) {
    const at = index * 27648;
    out[at + 96] = 255;
    out[at + 2] = offset + index; // row 2, column 0
    out[at + 9216 + 5 * 96] = 77; // G, row 0, column 5
  }
  return out;
}

export const stlLabel = (index: number) => (index % 10) + 1;

export function writeStl10(dir: string): string {
  const folder = join(dir, "stl10_binary");
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "train_X.bin"), stlImages(STL_TRAIN));
  writeFileSync(join(folder, "train_y.bin"), Buffer.from(Array.from({ length: STL_TRAIN }, (_, index) => stlLabel(index))));
  writeFileSync(join(folder, "test_X.bin"), stlImages(STL_TEST, 50));
  writeFileSync(join(folder, "test_y.bin"), Buffer.from(Array.from({ length: STL_TEST }, (_, index) => stlLabel(50 + index))));
  writeFileSync(join(folder, "unlabeled_X.bin"), stlImages(STL_UNLABELED, 200));
  writeFileSync(join(folder, "class_names.txt"), "airplane\nbird\ncar\ncat\ndeer\ndog\nhorse\nmonkey\nship\ntruck\n");
  writeFileSync(join(folder, "fold_indices.txt"), `${Array.from({ length: 10 }, (_, fold) => `${fold} ${(fold + 3) % 10} ${(fold + 7) % 10}`).join("\n")}\n`);
  return dir;
}

// ---------- JPEGs ----------

/** Red left half, blue right half. */
export function halvesImage(width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      if (x < width / 2) raw[at] = 230;
      else raw[at + 2] = 230;
    }
  }
  return raw;
}

export async function writeJpeg(path: string, width: number, height: number, mode: "rgb" | "grey" | "cmyk" | "png" = "rgb"): Promise<void> {
  let pipeline = sharp(halvesImage(width, height), { raw: { width, height, channels: 3 } });
  if (mode === "grey") pipeline = pipeline.toColourspace("b-w");
  if (mode === "cmyk") pipeline = pipeline.toColourspace("cmyk");
  const bytes = mode === "png" ? await pipeline.png().toBuffer() : await pipeline.jpeg({ quality: 95 }).toBuffer();
  writeFileSync(path, bytes);
}

// ---------- Stanford Cars ----------

export const CARS_CLASSES = ["AM General Hummer SUV 2000", "Acura RL Sedan 2012", "Audi R8 Coupe 2012"];
/** [file, width, height, mode, class (1-based), box x1,y1,x2,y2 (1-based inclusive)] */
export const CARS_TRAIN: [string, number, number, "rgb" | "grey" | "cmyk", number, number[]][] = [
  ["00001.jpg", 64, 48, "rgb", 1, [1, 1, 64, 48]],
  ["00002.jpg", 40, 30, "grey", 2, [21, 1, 40, 30]],
  ["00003.jpg", 80, 50, "cmyk", 3, [41, 1, 80, 50]],
  ["00004.jpg", 50, 50, "rgb", 2, [26, 5, 50, 45]],
];
export const CARS_TEST: typeof CARS_TRAIN = [
  ["00001.jpg", 60, 40, "rgb", 3, [31, 1, 60, 40]],
  ["00002.jpg", 30, 60, "rgb", 1, [1, 1, 30, 60]],
  ["00003.jpg", 44, 44, "grey", 2, [1, 1, 22, 44]],
];

function annotations(rows: typeof CARS_TRAIN, withClass: boolean): MatInput {
  const fields = ["bbox_x1", "bbox_y1", "bbox_x2", "bbox_y2", ...(withClass ? ["class"] : []), "fname"];
  return {
    kind: "struct",
    fields,
    items: rows.map(([file, , , , label, box]) => ({
      bbox_x1: { kind: "numeric", data: [box[0]], dims: [1, 1] },
      bbox_y1: { kind: "numeric", data: [box[1]], dims: [1, 1] },
      bbox_x2: { kind: "numeric", data: [box[2]], dims: [1, 1] },
      bbox_y2: { kind: "numeric", data: [box[3]], dims: [1, 1] },
      class: { kind: "numeric", data: [label], dims: [1, 1] },
      fname: { kind: "char", text: file },
    })),
  };
}

export function classNamesMat(compressed: boolean): Buffer {
  return writeMat({ class_names: { kind: "cell", items: CARS_CLASSES.map((text) => ({ kind: "char", text })) } }, compressed);
}

/** torchvision's devkit layout; the labelled test annotations in devkit/ or at the root. */
export async function writeStanfordCarsDevkit(dir: string, options: { testAnnotationsInDevkit?: boolean } = {}): Promise<string> {
  for (const folder of ["cars_train", "cars_test", "devkit"]) mkdirSync(join(dir, folder), { recursive: true });
  for (const [folder, rows] of [["cars_train", CARS_TRAIN], ["cars_test", CARS_TEST]] as const) {
    for (const [file, width, height, mode] of rows) await writeJpeg(join(dir, folder, file), width, height, mode);
  }
  writeFileSync(join(dir, "devkit", "cars_meta.mat"), classNamesMat(false));
  writeFileSync(join(dir, "devkit", "cars_train_annos.mat"), writeMat({ annotations: annotations(CARS_TRAIN, true) }, true));
  writeFileSync(join(dir, "devkit", "cars_test_annos.mat"), writeMat({ annotations: annotations(CARS_TEST, false) }, true));
  const testAnnos = options.testAnnotationsInDevkit ? join(dir, "devkit", "cars_test_annos_withlabels.mat") : join(dir, "cars_test_annos_withlabels.mat");
  writeFileSync(testAnnos, writeMat({ annotations: annotations(CARS_TEST, true) }, false));
  return dir;
}

/** Kaggle "by classes folder": car_data/car_data/{train,test}/<class>/, anno_*.csv, names.csv. */
export async function writeStanfordCarsCsv(dir: string): Promise<string> {
  const data = join(dir, "car_data", "car_data");
  for (const [split, rows] of [["train", CARS_TRAIN], ["test", CARS_TEST]] as const) {
    const lines: string[] = [];
    for (const [file, width, height, mode, label, box] of rows) {
      const folder = join(data, split, CARS_CLASSES[label - 1]);
      mkdirSync(folder, { recursive: true });
      await writeJpeg(join(folder, file), width, height, mode);
      lines.push([file, ...box, label].join(","));
    }
    writeFileSync(join(dir, `anno_${split}.csv`), `${lines.join("\n")}\n`);
  }
  writeFileSync(join(dir, "names.csv"), `${CARS_CLASSES.join("\n")}\n`);
  return dir;
}

// ---------- VMMRdb ----------

export const VMMR_CLASSES: Record<string, number> = {
  "acura_tsx_wagon_2011": 5,
  "alfa romeo_4c_2015": 6,
  "chevrolet_bel air_1957": 1,
};

/** Class folders with good images plus junk: the loader must skip and count the junk. */
export async function writeVmmrdb(dir: string): Promise<{ root: string; junk: number; truncated: number }> {
  for (const [folder, count] of Object.entries(VMMR_CLASSES)) {
    mkdirSync(join(dir, folder), { recursive: true });
    for (let index = 0; index < count; index++) {
      const name = index === 1 ? `img${index}.JPG` : index === 2 ? `img${index}.png` : `img${index}.jpg`;
      await writeJpeg(join(dir, folder, name), 40 + index * 4, 30 + index * 2, index === 2 ? "png" : "rgb");
    }
  }
  const target = join(dir, "alfa romeo_4c_2015");
  writeFileSync(join(target, "zero.jpg"), Buffer.alloc(0));
  writeFileSync(join(target, "notes.jpg"), "this is text, not a JPEG\n");
  writeFileSync(join(target, "._img0.jpg"), Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]));
  writeFileSync(join(target, ".DS_Store"), Buffer.from("Bud1"));
  writeFileSync(join(target, "readme.txt"), "not an image\n");
  mkdirSync(join(dir, "__MACOSX"));
  const whole = await sharp(halvesImage(64, 64), { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer();
  writeFileSync(join(dir, "acura_tsx_wagon_2011", "truncated.jpg"), whole.subarray(0, Math.floor(whole.length / 3)));
  return { root: dir, junk: 5, truncated: 1 };
}
