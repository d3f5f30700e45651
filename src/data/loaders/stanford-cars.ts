// SPDX-License-Identifier: MIT
/**
 * @module data/loaders/stanford-cars
 * Stanford Cars (196 classes, 8,144 train / 8,041 test JPEGs of varying size). Three layouts:
 *  - devkit (torchvision's): `cars_{train,test}/`, `devkit/{cars_meta,cars_train_annos}.mat`,
 *    `cars_test_annos_withlabels.mat` (root or devkit/); Kaggle's extra nesting
 *    (`cars_train/cars_train/`, `car_devkit/devkit/`) too;
 *  - all-in-one: `car_ims/` with `cars_annos.mat` (field `test` marks the split);
 *  - Kaggle CSV: `anno_{train,test}.csv` (`fname,x1,y1,x2,y2,class`, no header, class 1-based),
 *    `names.csv`, images in `{train,test}/<class name>/`.
 * Boxes are 1-based inclusive in the files; made 0-based here. Images are resized on decode
 * (default 224×224) and greyscale/CMYK become RGB (src/data/decode.ts).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { DataFileError, readLines, readMaybeGzip } from "../files.js";
import { matScalar, matString, readMat, type MatValue } from "../formats/mat.js";
import type { DatasetModule, Found, OpenOptions } from "../loader.js";
import { isDirectory, isFile, listFilesShallow } from "../locate.js";
import type { Box } from "../decode.js";
import type { ImageFile } from "../file-split.js";
import { openFileDataset } from "../file-dataset.js";
import type { Dataset } from "../types.js";

interface Annotation {
  file: string;
  label: number;
  box: Box;
}

interface Layout {
  kind: string;
  classNames(): Promise<string[]>;
  splits(): Promise<Record<string, Annotation[]>>;
}

export const stanfordCars: DatasetModule = {
  name: "stanford-cars",
  title: "Stanford Cars (196 classes)",
  classCount: 196,
  imageShape: null,
  systemFolders: () => [],
  async probe(dir: string): Promise<Found | null> {
    const layout = (await devkitLayout(dir)) ?? (await allInOneLayout(dir)) ?? (await csvLayout(dir));
    if (!layout) return null;
    return {
      root: dir,
      layout: layout.kind,
      async splitSizes() {
        const splits = await layout.splits();
        return Object.fromEntries(Object.entries(splits).map(([name, annotations]) => [name, annotations.length]));
      },
      async open(options: OpenOptions): Promise<Dataset> {
        const [classNames, splits] = await Promise.all([layout.classNames(), layout.splits()]);
        const files: Record<string, ImageFile[]> = {};
        for (const [split, annotations] of Object.entries(splits)) {
          files[split] = annotations.map((annotation) => {
            if (annotation.label < 0 || annotation.label >= classNames.length) {
              throw new DataFileError(annotation.file, 0, `class ${annotation.label + 1} is not 1–${classNames.length}`);
            }
            return { path: annotation.file, label: annotation.label, ...(options.boundingBox ? { box: annotation.box } : {}) };
          });
        }
        return openFileDataset({ name: "stanford-cars", root: dir, classNames, files, failOn: "none", options });
      },
    };
  },
};

async function firstFile(dir: string, candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) if (await isFile(join(dir, candidate))) return join(dir, candidate);
  return undefined;
}

async function firstDirectory(dir: string, candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) if (await isDirectory(join(dir, candidate))) return join(dir, candidate);
  return undefined;
}

const DEVKIT_FOLDERS = ["devkit", "car_devkit/devkit", "car_devkit", ""];

async function devkitLayout(dir: string): Promise<Layout | null> {
  const trainImages = await firstDirectory(dir, ["cars_train/cars_train", "cars_train"]);
  const trainAnnos = await firstFile(dir, DEVKIT_FOLDERS.map((folder) => join(folder, "cars_train_annos.mat")));
  if (!trainImages || !trainAnnos) return null;
  const meta = await firstFile(dir, DEVKIT_FOLDERS.map((folder) => join(folder, "cars_meta.mat")));
  if (!meta) throw new DataFileError(join(dir, "devkit/cars_meta.mat"), 0, "missing: Stanford Cars devkit is incomplete");
  const testImages = await firstDirectory(dir, ["cars_test/cars_test", "cars_test"]);
  const testAnnos = await firstFile(dir, [...DEVKIT_FOLDERS.map((folder) => join(folder, "cars_test_annos_withlabels.mat"))]);
  if (!testImages) throw new DataFileError(join(dir, "cars_test"), 0, "missing: Stanford Cars test images folder");
  if (!testAnnos) {
    throw new DataFileError(join(dir, "cars_test_annos_withlabels.mat"), 0, "missing: the devkit's cars_test_annos.mat has no labels; get cars_test_annos_withlabels.mat");
  }
  return {
    kind: "devkit .mat",
    classNames: () => readClassNames(meta),
    async splits() {
      return {
        train: await readAnnotations(trainAnnos, (annotation) => join(trainImages, annotation)),
        test: await readAnnotations(testAnnos, (annotation) => join(testImages, annotation)),
      };
    },
  };
}

async function allInOneLayout(dir: string): Promise<Layout | null> {
  const annos = await firstFile(dir, ["cars_annos.mat", "devkit/cars_annos.mat"]);
  if (!annos || !(await isDirectory(join(dir, "car_ims")))) return null;
  return {
    kind: "car_ims + cars_annos.mat",
    classNames: () => readClassNames(annos),
    async splits() {
      const variables = readMat(await readMaybeGzip(annos), annos);
      const records = structRecords(variables.get("annotations"), "annotations", annos);
      const train: Annotation[] = [];
      const test: Annotation[] = [];
      for (const record of records) {
        const annotation = toAnnotation(record, annos, (name) => join(dir, name), "relative_im_path");
        (matScalar(record.test, "annotations.test", annos) === 1 ? test : train).push(annotation);
      }
      return { train, test };
    },
  };
}

async function csvLayout(dir: string): Promise<Layout | null> {
  const files = await listFilesShallow(dir, 2);
  const find = (name: string) => files.find((file) => file.split("/").pop() === name);
  const trainCsv = find("anno_train.csv");
  if (!trainCsv) return null;
  const testCsv = find("anno_test.csv");
  const namesCsv = find("names.csv");
  if (!testCsv || !namesCsv) throw new DataFileError(join(dir, testCsv ? "names.csv" : "anno_test.csv"), 0, "missing: Stanford Cars CSV layout is incomplete");
  const imageRoot = await firstDirectory(dir, ["car_data/car_data", "car_data", ""]);
  return {
    kind: "CSV (class folders)",
    classNames: () => readLines(join(dir, namesCsv)),
    async splits() {
      const result: Record<string, Annotation[]> = {};
      for (const [split, csv] of [["train", trainCsv], ["test", testCsv]] as const) {
        const locations = await indexClassFolders(join(imageRoot ?? dir, split));
        result[split] = (await readLines(join(dir, csv))).map((line, row) => {
          const cells = line.split(",");
          const numbers = cells.slice(1, 6).map(Number);
          if (cells.length !== 6 || numbers.some((value) => !Number.isInteger(value))) {
            throw new DataFileError(join(dir, csv), 0, `line ${row + 1}: expected fname,x1,y1,x2,y2,class, got ${JSON.stringify(line)}`);
          }
          const location = locations.get(cells[0]);
          if (!location) throw new DataFileError(join(dir, csv), 0, `line ${row + 1}: image ${cells[0]} not found under ${join(imageRoot ?? dir, split)}`);
          const [x1, y1, x2, y2, label] = numbers;
          return { file: location, label: label - 1, box: { x1: x1 - 1, y1: y1 - 1, x2: x2 - 1, y2: y2 - 1 } };
        });
      }
      return result;
    },
  };
}

/** File name → path, over `<split>/<class>/<file>`. */
async function indexClassFolders(folder: string): Promise<Map<string, string>> {
  const locations = new Map<string, string>();
  for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    for (const file of await readdir(join(folder, entry.name))) locations.set(file, join(folder, entry.name, file));
  }
  return locations;
}

async function readClassNames(path: string): Promise<string[]> {
  const value = readMat(await readMaybeGzip(path), path).get("class_names");
  if (value?.kind !== "cell") throw new DataFileError(path, 0, "no cell array class_names");
  return value.items.map((item, index) => matString(item, `class_names{${index + 1}}`, path).trim());
}

function structRecords(value: MatValue | undefined, what: string, file: string): Record<string, MatValue>[] {
  if (value?.kind !== "struct") throw new DataFileError(file, 0, `no struct array ${what}`);
  for (const field of ["bbox_x1", "bbox_y1", "bbox_x2", "bbox_y2"]) {
    if (!value.fieldNames.includes(field)) throw new DataFileError(file, 0, `${what} has no field ${field}`);
  }
  return value.items;
}

async function readAnnotations(path: string, resolveImage: (name: string) => string): Promise<Annotation[]> {
  const records = structRecords(readMat(await readMaybeGzip(path), path).get("annotations"), "annotations", path);
  return records.map((record) => toAnnotation(record, path, resolveImage, "fname"));
}

function toAnnotation(record: Record<string, MatValue>, path: string, resolveImage: (name: string) => string, nameField: string): Annotation {
  const number = (field: string) => matScalar(record[field], `annotations.${field}`, path);
  return {
    file: resolveImage(matString(record[nameField], `annotations.${nameField}`, path)),
    label: number("class") - 1,
    box: { x1: number("bbox_x1") - 1, y1: number("bbox_y1") - 1, x2: number("bbox_x2") - 1, y2: number("bbox_y2") - 1 },
  };
}
