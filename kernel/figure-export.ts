/**
 * Saving a figure outside the notebook: as a standalone HTML page (plotly.js
 * inlined, so it opens offline and stays interactive), or as a PNG or SVG
 * image drawn by plotly in a headless Chromium (see `kernel/chromium.ts`).
 * HTML needs nothing; PNG and SVG say clearly when no Chromium is found.
 *
 *   await saveFigure(attentionMapFigure(w, { queries, keys }), "attention.png");
 */
import * as fs from "fs";
import * as path from "path";
import type { Figure } from "../src/figure";
import { launchChromium } from "./chromium";
import { escapeHtml, scriptJson } from "./format";
import { PLOTLY_CONFIG, plotlyLibrarySource } from "./plotly";

export type FigureFormat = "html" | "png" | "svg";

export interface SaveFigureOptions {
  /** Default: from the file's extension. */
  format?: FigureFormat;
  /** Image size in CSS pixels; default the figure's own width/height, else 900 x 600. */
  width?: number;
  height?: number;
  /** PNG only: device pixels per CSS pixel (default 2, sharp on paper). */
  scale?: number;
  /** The HTML page's title; default the figure's title. */
  title?: string;
}

function figureTitle(figure: Figure): string {
  const t = figure.layout.title as { text?: unknown } | string | undefined;
  return typeof t === "string" ? t : typeof t?.text === "string" ? t.text : "figure";
}

/** A self-contained HTML page that draws `figure` (plotly.js inlined; no network). */
export function figureHtml(figure: Figure, pageTitle?: string): string {
  if (!figure || !Array.isArray(figure.data) || typeof figure.layout !== "object") {
    throw new TypeError("figureHtml takes a plotly figure { data: [...], layout: {...} }");
  }
  const title = pageTitle ?? figureTitle(figure);
  const fig = { data: figure.data, layout: figure.layout, config: { ...PLOTLY_CONFIG, ...(figure.config ?? {}) }, frames: figure.frames ?? [] };
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title.replace(/<[^>]*>/g, ""))}</title>\n` +
    `<script>${plotlyLibrarySource()}</script>\n</head>\n<body style="margin:0">\n<div id="figure"></div>\n` +
    `<script>Plotly.newPlot(document.getElementById("figure"), ${scriptJson(fig)});</script>\n</body>\n</html>\n`
  );
}

function formatOf(file: string, format?: FigureFormat): FigureFormat {
  const f = format ?? (path.extname(file).slice(1).toLowerCase() as FigureFormat);
  if (f !== "html" && f !== "png" && f !== "svg") {
    throw new Error(`cannot tell the format of ${file}: use a .html, .png or .svg name, or pass { format }`);
  }
  return f;
}

/** An image of `figure` (PNG bytes or SVG text), drawn by plotly.js in headless Chromium. */
export async function figureImage(figure: Figure, format: "png" | "svg", options: SaveFigureOptions = {}): Promise<Buffer> {
  const width = options.width ?? (typeof figure.layout.width === "number" ? figure.layout.width : 900);
  const height = options.height ?? (typeof figure.layout.height === "number" ? figure.layout.height : 600);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent(figureHtml(figure, options.title), { waitUntil: "load" });
    // Evaluated in the page (a string: this file is compiled without the DOM's types).
    const imageOptions = { format, width, height, scale: format === "png" ? (options.scale ?? 2) : 1 };
    const url = (await page.evaluate(`Plotly.toImage(document.getElementById("figure"), ${JSON.stringify(imageOptions)})`)) as string;
    const comma = url.indexOf(",");
    const body = url.slice(comma + 1);
    return url.slice(0, comma).endsWith(";base64") ? Buffer.from(body, "base64") : Buffer.from(decodeURIComponent(body), "utf8");
  } finally {
    await browser.close();
  }
}

/**
 * Writes `figure` to `file` as HTML, PNG or SVG (by its extension or
 * `options.format`), creating the folder. Returns the path written.
 */
export async function saveFigure(figure: Figure, file: string, options: SaveFigureOptions = {}): Promise<string> {
  const format = formatOf(file, options.format);
  const content = format === "html" ? figureHtml(figure, options.title) : await figureImage(figure, format, options);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
  return path.resolve(file);
}
