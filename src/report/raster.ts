// SPDX-License-Identifier: MIT
/**
 * @module report/raster
 * SVG to PNG without a browser: sharp's bundled librsvg renders the string (fonts through
 * fontconfig; the plots ask for DejaVu Sans). `scale` multiplies the SVG's pixel size
 * (rendering density 72·scale dpi), so scale 2 gives a sharp image on high-DPI screens.
 */
import sharp from "sharp";

export const DEFAULT_PNG_SCALE = 2;

export async function svgToPng(svg: string, scale = DEFAULT_PNG_SCALE): Promise<Buffer> {
  return sharp(Buffer.from(svg, "utf8"), { density: 72 * scale }).png({ compressionLevel: 9 }).toBuffer();
}
