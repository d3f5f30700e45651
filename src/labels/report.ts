// SPDX-License-Identifier: MIT
/**
 * @module labels/report
 * The label report of `qhybrid label-refine`: per true class, histograms of the soft
 * labels' entropy (nats, 10 equal bins over [0, ln K]) and top-1 confidence (10 equal
 * bins over [1/K, 1]); how often the soft label's argmax is the true label; the
 * labeller's accuracy; and the paper's interpretability view, a grid of the most
 * ambiguous (highest entropy) and most confident training images with their soft-label
 * bars (true class in orange). Written as report.json, report.md and SVG + PNG charts.
 */
import sharp from "sharp";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { DEFAULT_PNG_SCALE, svgToPng } from "../report/raster.js";
import { escapeXml, px, svgDocument, text, title, PALETTE } from "../report/svg.js";
import { writeFileAtomic } from "../run/atomic-write.js";

export const HISTOGRAM_BINS = 10;

export interface ClassStatistics {
  className: string;
  count: number;
  /** Share of this class's samples whose soft label's argmax is the class. */
  agreement: number;
  meanEntropy: number;
  meanConfidence: number;
  entropyHistogram: number[];
  confidenceHistogram: number[];
}

export interface LabelStatistics {
  count: number;
  classes: number;
  agreement: number;
  meanEntropy: number;
  meanConfidence: number;
  /** Samples whose soft label is exactly one-hot (e.g. M4's gate). */
  oneHot: number;
  perClass: ClassStatistics[];
  /** Sample indices, most ambiguous first. */
  mostAmbiguous: number[];
  /** Sample indices, most confident first. */
  mostConfident: number[];
}

export function entropyOf(row: Float32Array): number {
  let entropy = 0;
  for (const p of row) if (p > 0) entropy -= p * Math.log(p);
  return entropy;
}

export function labelStatistics(distributions: Float32Array, labels: Int32Array, classNames: string[], gridSize = 8): LabelStatistics {
  const classes = classNames.length;
  const count = labels.length;
  const maxEntropy = Math.log(classes);
  const entropies = new Float64Array(count);
  const confidences = new Float64Array(count);
  const perClass = classNames.map((className) => ({ className, count: 0, agreement: 0, meanEntropy: 0, meanConfidence: 0, entropyHistogram: new Array<number>(HISTOGRAM_BINS).fill(0), confidenceHistogram: new Array<number>(HISTOGRAM_BINS).fill(0) }));
  let agree = 0;
  let oneHot = 0;
  const bin = (value: number, low: number, high: number): number => Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(((value - low) / (high - low)) * HISTOGRAM_BINS)));
  for (let i = 0; i < count; i++) {
    const row = distributions.subarray(i * classes, (i + 1) * classes);
    let top = 0;
    for (let k = 1; k < classes; k++) if (row[k] > row[top]) top = k;
    entropies[i] = entropyOf(row);
    confidences[i] = row[top];
    if (row[top] === 1) oneHot++;
    const stats = perClass[labels[i]];
    stats.count++;
    if (top === labels[i]) {
      stats.agreement++;
      agree++;
    }
    stats.meanEntropy += entropies[i];
    stats.meanConfidence += confidences[i];
    stats.entropyHistogram[bin(entropies[i], 0, maxEntropy)]++;
    stats.confidenceHistogram[bin(confidences[i], 1 / classes, 1)]++;
  }
  for (const stats of perClass) {
    if (stats.count === 0) continue;
    stats.agreement /= stats.count;
    stats.meanEntropy /= stats.count;
    stats.meanConfidence /= stats.count;
  }
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => entropies[b] - entropies[a] || a - b);
  const byConfidence = Array.from({ length: count }, (_, i) => i).sort((a, b) => confidences[b] - confidences[a] || entropies[a] - entropies[b] || a - b);
  return {
    count,
    classes,
    agreement: agree / Math.max(1, count),
    meanEntropy: entropies.reduce((a, b) => a + b, 0) / Math.max(1, count),
    meanConfidence: confidences.reduce((a, b) => a + b, 0) / Math.max(1, count),
    oneHot,
    perClass,
    mostAmbiguous: order.slice(0, gridSize),
    mostConfident: byConfidence.slice(0, gridSize),
  };
}

/** Small multiples: one row per class, its entropy and confidence histograms side by side. */
export function histogramsSvg(statistics: LabelStatistics): string {
  const rowHeight = 44;
  const cellWidth = 260;
  const left = 110;
  const top = 80;
  const width = left + 2 * cellWidth + 60;
  const height = top + statistics.perClass.length * rowHeight + 50;
  const body = [...title(width, "Soft labels per true class", `${statistics.count} training images; bars: share of the class in each of ${HISTOGRAM_BINS} bins (scaled to the column\u2019s largest)`)];
  body.push(text(left + cellWidth / 2, top - 10, `entropy (0 … ln ${statistics.classes} nats)`, { size: 13, anchor: "middle" }));
  body.push(text(left + cellWidth + 30 + cellWidth / 2, top - 10, `top-1 confidence (1/${statistics.classes} … 1)`, { size: 13, anchor: "middle" }));
  // Bars are scaled to the largest share in their column, so sparse bins stay visible.
  const share = (value: number, stats: ClassStatistics): number => (stats.count > 0 ? value / stats.count : 0);
  const columnMax = [0, 1].map((column) => Math.max(1e-9, ...statistics.perClass.flatMap((stats) => (column === 0 ? stats.entropyHistogram : stats.confidenceHistogram).map((value) => share(value, stats)))));
  statistics.perClass.forEach((stats, row) => {
    const y = top + row * rowHeight;
    body.push(text(left - 10, y + rowHeight / 2, stats.className, { size: 12, anchor: "end", baseline: "middle" }));
    [stats.entropyHistogram, stats.confidenceHistogram].forEach((histogram, column) => {
      const x0 = left + column * (cellWidth + 30);
      const barWidth = cellWidth / HISTOGRAM_BINS;
      body.push(`<rect x="${px(x0)}" y="${px(y + 2)}" width="${px(cellWidth)}" height="${px(rowHeight - 6)}" fill="none" stroke="#ccc"/>`);
      histogram.forEach((value, index) => {
        const h = (share(value, stats) / columnMax[column]) * (rowHeight - 8);
        body.push(`<rect x="${px(x0 + index * barWidth + 1)}" y="${px(y + rowHeight - 4 - h)}" width="${px(barWidth - 2)}" height="${px(h)}" fill="${PALETTE[column]}"/>`);
      });
    });
  });
  return svgDocument(width, height, body);
}

export interface GridImage {
  /** uint8 pixels of one image, HWC. */
  pixels: Uint8Array;
  distribution: Float32Array;
  label: number;
  caption: string;
}

async function imageDataUri(pixels: Uint8Array, shape: readonly [number, number, number]): Promise<string> {
  const png = await sharp(Buffer.from(pixels), { raw: { width: shape[1], height: shape[0], channels: shape[2] as 1 | 3 | 4 } }).png().toBuffer();
  return `data:image/png;base64,${png.toString("base64")}`;
}

/** Two rows of images (most ambiguous, most confident), each over its soft-label bars. */
export async function gridSvg(rows: { heading: string; images: GridImage[] }[], shape: readonly [number, number, number], classNames: string[]): Promise<string> {
  const cell = 112;
  const imageSize = 84;
  const barsHeight = 50;
  const rowHeight = 40 + imageSize + barsHeight + 30;
  const columns = Math.max(1, ...rows.map((row) => row.images.length));
  const width = 20 + columns * cell;
  const height = 60 + rows.length * rowHeight;
  const body = [...title(width, "Most ambiguous and most confident training images", "soft-label bars under each image; the true class in orange")];
  for (const [r, row] of rows.entries()) {
    const y0 = 60 + r * rowHeight;
    body.push(text(16, y0 + 20, row.heading, { size: 14, weight: "bold" }));
    for (const [c, image] of row.images.entries()) {
      const x0 = 16 + c * cell;
      const uri = await imageDataUri(image.pixels, shape);
      body.push(`<image x="${px(x0 + (cell - 16 - imageSize) / 2)}" y="${px(y0 + 30)}" width="${imageSize}" height="${imageSize}" href="${uri}" style="image-rendering:pixelated"/>`);
      const barWidth = (cell - 16) / classNames.length;
      const base = y0 + 30 + imageSize + 6 + barsHeight;
      body.push(`<line x1="${px(x0)}" y1="${px(base)}" x2="${px(x0 + cell - 16)}" y2="${px(base)}" stroke="#888"/>`);
      image.distribution.forEach((p, k) => {
        const h = p * barsHeight;
        body.push(`<rect x="${px(x0 + k * barWidth + 0.5)}" y="${px(base - h)}" width="${px(barWidth - 1)}" height="${px(h)}" fill="${k === image.label ? PALETTE[1] : PALETTE[0]}"><title>${escapeXml(classNames[k])}: ${p.toFixed(3)}</title></rect>`);
      });
      body.push(text(x0 + (cell - 16) / 2, base + 16, image.caption, { size: 11, anchor: "middle" }));
    }
  }
  return svgDocument(width, height, body);
}

export interface LabelReportInput {
  dir: string;
  statistics: LabelStatistics;
  header: Record<string, unknown>;
  /** Labeller accuracy on the test split and on stage 1's validation rows. */
  accuracy: { test: number; validation: number | null };
  training: { loss: number; accuracy: number; seconds: number }[];
  images: Uint8Array;
  labels: Int32Array;
  distributions: Float32Array;
  shape: readonly [number, number, number];
  classNames: string[];
  pngScale?: number;
}

const percent = (value: number): string => `${(value * 100).toFixed(2)}%`;

export async function writeLabelReport(input: LabelReportInput): Promise<string[]> {
  const { dir, statistics, classNames, shape } = input;
  mkdirSync(dir, { recursive: true });
  const pixels = shape[0] * shape[1] * shape[2];
  const classes = classNames.length;
  const gridImage = (index: number): GridImage => {
    const distribution = input.distributions.slice(index * classes, (index + 1) * classes);
    return { pixels: input.images.slice(index * pixels, (index + 1) * pixels), distribution, label: input.labels[index], caption: `#${index} ${classNames[input.labels[index]]} H=${entropyOf(distribution).toFixed(2)}` };
  };
  const files: string[] = [];
  const charts: [string, string][] = [
    ["label-histograms", histogramsSvg(statistics)],
    ["label-grid", await gridSvg([
      { heading: "Most ambiguous (highest entropy)", images: statistics.mostAmbiguous.map(gridImage) },
      { heading: "Most confident", images: statistics.mostConfident.map(gridImage) },
    ], shape, classNames)],
  ];
  for (const [name, svg] of charts) {
    writeFileAtomic(join(dir, `${name}.svg`), svg);
    writeFileAtomic(join(dir, `${name}.png`), await svgToPng(svg, input.pngScale ?? DEFAULT_PNG_SCALE));
    files.push(join(dir, `${name}.svg`), join(dir, `${name}.png`));
  }
  const json = { header: input.header, accuracy: input.accuracy, training: input.training, statistics };
  writeFileAtomic(join(dir, "report.json"), `${JSON.stringify(json, null, 2)}\n`);
  const lines = [
    "# Soft labels (QPLR stage 1)",
    "",
    `Labeller: ${String(input.header.mapping)}.`,
    "",
    "| Measure | Value |",
    "| --- | ---: |",
    `| Labeller accuracy, test split | ${percent(input.accuracy.test)} |`,
    `| Labeller accuracy, held-out validation rows | ${input.accuracy.validation === null ? "–" : percent(input.accuracy.validation)} |`,
    `| Soft label argmax = true label (all ${statistics.count} training images) | ${percent(statistics.agreement)} |`,
    `| Mean entropy (nats; max ln ${classes} = ${Math.log(classes).toFixed(3)}) | ${statistics.meanEntropy.toFixed(4)} |`,
    `| Mean top-1 confidence | ${percent(statistics.meanConfidence)} |`,
    `| Exactly one-hot labels | ${statistics.oneHot} |`,
    "",
    "## Per class",
    "",
    "| Class | Images | Argmax = label | Mean entropy | Mean confidence |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...statistics.perClass.map((s) => `| ${s.className} | ${s.count} | ${percent(s.agreement)} | ${s.meanEntropy.toFixed(4)} | ${percent(s.meanConfidence)} |`),
    "",
    "![Entropy and confidence histograms per class](label-histograms.png)",
    "",
    "![Most ambiguous and most confident training images](label-grid.png)",
    "",
  ];
  writeFileAtomic(join(dir, "report.md"), lines.join("\n"));
  files.push(join(dir, "report.json"), join(dir, "report.md"));
  return files;
}
