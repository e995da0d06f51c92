/**
 * A labelled heatmap (the shape of an attention map): row 0 at the top, like
 * the article's matrices (plotly would put it at the bottom), value on hover.
 */
import type { Figure } from "../figure";
import { checkRectangular, WEIGHT_COLORSCALE } from "./labels";

/** Options for {@link heatmapFigure}; every field is optional. */
export interface HeatmapOptions {
  /** Column labels (keys, for attention). */
  x?: string[];
  /** Row labels (queries, for attention). */
  y?: string[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Write each value in its cell, rounded to this many decimals. */
  annotateDigits?: number;
  /** A plotly colour scale name or [position, colour] stops; default white (low) to dark blue (high). */
  colorscale?: string | [number, string][];
  zmin?: number;
  zmax?: number;
}

/**
 * A heatmap of z (rows top to bottom, labels as categories, value on hover).
 * Throws on ragged rows or a label count that does not match.
 */
export function heatmapFigure(z: number[][], options: HeatmapOptions = {}): Figure {
  const [rows, cols] = checkRectangular(z, "heatmap");
  if (options.x && options.x.length !== cols) throw new Error(`heatmap has ${cols} columns but ${options.x.length} x labels`);
  if (options.y && options.y.length !== rows) throw new Error(`heatmap has ${rows} rows but ${options.y.length} y labels`);
  const trace: Record<string, unknown> = {
    type: "heatmap",
    z,
    x: options.x,
    y: options.y,
    colorscale: options.colorscale ?? WEIGHT_COLORSCALE,
    zmin: options.zmin,
    zmax: options.zmax,
    hovertemplate: "row %{y}<br>column %{x}<br>value %{z:.5f}<extra></extra>",
  };
  if (options.annotateDigits !== undefined) {
    trace.text = z.map((row) => row.map((v) => v.toFixed(options.annotateDigits)));
    trace.texttemplate = "%{text}";
  }
  return {
    data: [trace],
    layout: {
      // Keys along the top (x axis on the top side), so the title sits above them.
      title: options.title ? { text: options.title, yref: "container", y: 1, yanchor: "top", pad: { t: 12 } } : undefined,
      xaxis: { title: { text: options.xTitle ?? "" }, side: "top", type: "category" },
      yaxis: { title: { text: options.yTitle ?? "" }, autorange: "reversed", type: "category" },
      margin: { l: 80, r: 20, t: options.title ? 120 : 80, b: 20 },
      height: Math.max(280, 40 * rows + 170),
    },
  };
}
