// SPDX-License-Identifier: MIT
/**
 * @module report/svg
 * Building blocks of the hand-written SVG plots: escaping, deterministic number output,
 * "nice" axis ticks, a colour-blind-safe palette (Okabe & Ito) and a 2-D axes frame with
 * title, axis labels, ticks, grid and legend. Output is a plain string, identical for
 * identical input, so plots can be snapshot-tested and rasterised by sharp (librsvg).
 */

export const FONT_FAMILY = "DejaVu Sans, sans-serif";

/** Okabe–Ito colours, most distinguishable first (yellow left out: unreadable on white). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#999999"];

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A coordinate with at most two decimals and no "-0". */
export function px(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

export interface TextOptions {
  size?: number;
  anchor?: "start" | "middle" | "end";
  weight?: "normal" | "bold";
  fill?: string;
  /** Degrees, about (x, y). */
  rotate?: number;
  baseline?: "auto" | "middle" | "hanging";
}

export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const { size = 13, anchor = "start", weight = "normal", fill = "#222", rotate, baseline = "auto" } = options;
  const transform = rotate === undefined ? "" : ` transform="rotate(${px(rotate)} ${px(x)} ${px(y)})"`;
  const weightAttr = weight === "bold" ? ` font-weight="bold"` : "";
  const baselineAttr = baseline === "auto" ? "" : ` dominant-baseline="${baseline === "middle" ? "central" : "hanging"}"`;
  return `<text x="${px(x)}" y="${px(y)}" font-size="${size}" text-anchor="${anchor}" fill="${fill}"${weightAttr}${baselineAttr}${transform}>${escapeXml(content)}</text>`;
}

export function svgDocument(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    `</svg>`,
    "",
  ].join("\n");
}

/** About `count` round tick values covering [min, max] (1, 2, 2.5 or 5 × 10^k steps). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** A domain rounded outwards to nice ticks, with a little room when min = max. */
export function niceDomain(values: number[], count = 5): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (min === max) {
    min -= Math.abs(min) * 0.1 || 1;
    max += Math.abs(max) * 0.1 || 1;
  }
  const ticks = niceTicks(min, max, count);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.abs(max - min) || 1;
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
}

export function formatTick(value: number, step: number, percent = false): string {
  const shown = percent ? value * 100 : value;
  const shownStep = percent ? step * 100 : step;
  let decimals = 0;
  while (decimals < 6 && Math.abs(Math.round(shownStep * 10 ** decimals) - shownStep * 10 ** decimals) > 1e-6) decimals++;
  const formatted = shown.toFixed(decimals);
  return `${formatted === "-0" ? "0" : formatted}${percent ? "%" : ""}`;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface AxesSpec {
  area: Rect;
  xDomain: [number, number];
  yDomain: [number, number];
  xLabel: string;
  yLabel: string;
  /** Explicit ticks, else nice ticks of the domain. */
  xTicks?: number[];
  yTicks?: number[];
  xPercent?: boolean;
  yPercent?: boolean;
  /** Light grid lines at the ticks (default true). */
  grid?: boolean;
}

export interface Axes {
  x(value: number): number;
  y(value: number): number;
  /** Grid and frame, drawn below the data. */
  background: string[];
  /** Ticks, tick labels and axis labels, drawn above the data. */
  foreground: string[];
}

export function axes(spec: AxesSpec): Axes {
  const { area, xDomain, yDomain } = spec;
  const x = (value: number): number => area.x + ((value - xDomain[0]) / (xDomain[1] - xDomain[0] || 1)) * area.width;
  const y = (value: number): number => area.y + area.height - ((value - yDomain[0]) / (yDomain[1] - yDomain[0] || 1)) * area.height;
  const inDomain = (value: number, domain: [number, number]): boolean => value >= domain[0] - 1e-9 && value <= domain[1] + 1e-9;
  const xTicks = (spec.xTicks ?? niceTicks(xDomain[0], xDomain[1], 6)).filter((v) => inDomain(v, xDomain));
  const yTicks = (spec.yTicks ?? niceTicks(yDomain[0], yDomain[1], 5)).filter((v) => inDomain(v, yDomain));
  const xStep = xTicks.length > 1 ? xTicks[1] - xTicks[0] : 1;
  const yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
  const background: string[] = [];
  const foreground: string[] = [];
  if (spec.grid !== false) {
    for (const t of yTicks) background.push(`<line x1="${px(area.x)}" y1="${px(y(t))}" x2="${px(area.x + area.width)}" y2="${px(y(t))}" stroke="#e6e6e6" stroke-width="1"/>`);
    for (const t of xTicks) background.push(`<line x1="${px(x(t))}" y1="${px(area.y)}" x2="${px(x(t))}" y2="${px(area.y + area.height)}" stroke="#f0f0f0" stroke-width="1"/>`);
  }
  foreground.push(`<rect x="${px(area.x)}" y="${px(area.y)}" width="${px(area.width)}" height="${px(area.height)}" fill="none" stroke="#444" stroke-width="1"/>`);
  const bottom = area.y + area.height;
  for (const t of xTicks) {
    foreground.push(`<line x1="${px(x(t))}" y1="${px(bottom)}" x2="${px(x(t))}" y2="${px(bottom + 5)}" stroke="#444" stroke-width="1"/>`);
    foreground.push(text(x(t), bottom + 20, formatTick(t, xStep, spec.xPercent), { size: 12, anchor: "middle" }));
  }
  for (const t of yTicks) {
    foreground.push(`<line x1="${px(area.x - 5)}" y1="${px(y(t))}" x2="${px(area.x)}" y2="${px(y(t))}" stroke="#444" stroke-width="1"/>`);
    foreground.push(text(area.x - 9, y(t), formatTick(t, yStep, spec.yPercent), { size: 12, anchor: "end", baseline: "middle" }));
  }
  foreground.push(text(area.x + area.width / 2, bottom + 44, spec.xLabel, { size: 14, anchor: "middle" }));
  foreground.push(text(area.x - 58, area.y + area.height / 2, spec.yLabel, { size: 14, anchor: "middle", rotate: -90 }));
  return { x, y, background, foreground };
}

export function title(width: number, content: string, subtitle?: string): string[] {
  const lines = [text(width / 2, 28, content, { size: 18, anchor: "middle", weight: "bold" })];
  if (subtitle !== undefined) lines.push(text(width / 2, 48, subtitle, { size: 13, anchor: "middle", fill: "#555" }));
  return lines;
}

export interface LegendEntry {
  label: string;
  color: string;
  /** "line" (with a marker), "rule" (a plain line), "box" (a filled square) or "dash" (a dashed line). */
  kind?: "line" | "rule" | "box" | "dash";
}

/** A legend with a white box, its top-left corner at (x, y). */
export function legend(x: number, y: number, entries: LegendEntry[], width = 170): string[] {
  const rowHeight = 22;
  const parts = [
    `<rect x="${px(x)}" y="${px(y)}" width="${px(width)}" height="${px(entries.length * rowHeight + 10)}" fill="#ffffff" fill-opacity="0.9" stroke="#bbb" stroke-width="1"/>`,
  ];
  entries.forEach((entry, index) => {
    const cy = y + 16 + index * rowHeight;
    const kind = entry.kind ?? "line";
    if (kind === "box") {
      parts.push(`<rect x="${px(x + 10)}" y="${px(cy - 7)}" width="22" height="14" fill="${entry.color}"/>`);
    } else {
      const dash = kind === "dash" ? ` stroke-dasharray="5 4"` : "";
      parts.push(`<line x1="${px(x + 8)}" y1="${px(cy)}" x2="${px(x + 34)}" y2="${px(cy)}" stroke="${entry.color}" stroke-width="2.5"${dash}/>`);
      if (kind === "line") parts.push(`<circle cx="${px(x + 21)}" cy="${px(cy)}" r="4" fill="${entry.color}"/>`);
    }
    parts.push(text(x + 42, cy, entry.label, { size: 13, baseline: "middle" }));
  });
  return parts;
}

/** Rough width of a label in DejaVu Sans at `size` px, for layout (0.6 em per character). */
export function textWidth(content: string, size: number): number {
  return content.length * size * 0.6;
}
