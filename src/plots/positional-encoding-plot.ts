/**
 * Plots of a positional-encoding table `pe[pos][dim]` (Step 2): the whole
 * table as a map, and chosen dimensions as curves across positions. Even
 * dimensions are sines and odd ones cosines (PE(pos, 2i) = sin(...),
 * PE(pos, 2i + 1) = cos(...)); the curves' legend says which.
 */
import type { Figure, Trace } from "../figure";
import { checkRectangular, indices, plotlyText } from "./labels";

/** Options for {@link positionalEncodingMapFigure}. */
export interface PositionalEncodingMapOptions {
  /** Figure title; default "Positional encoding". */
  title?: string;
  /** Colour scale; default "RdBu" (fixed to -1..1: blue at -1, grey at 0, red at +1). */
  colorscale?: string;
}

/** Options for {@link sinusoidFigure}. */
export interface SinusoidOptions {
  /** Figure title; default "Positional encoding by dimension". */
  title?: string;
  /** Draw a marker at every position; default true (positions are discrete). */
  markers?: boolean;
}

function checkTable(pe: number[][], what: string): [number, number] {
  const [positions, dModel] = checkRectangular(pe, what);
  if (positions === 0 || dModel === 0) throw new Error(`${what}: the table is empty (${positions} positions x ${dModel} dimensions)`);
  return [positions, dModel];
}

/** "sin" for an even dimension (2i), "cos" for an odd one (2i + 1). */
export function sinusoidKind(dim: number): "sin" | "cos" {
  return dim % 2 === 0 ? "sin" : "cos";
}

/**
 * The table as a heatmap: position on y (0 at the top), dimension on x,
 * colour fixed to -1..1, the value on hover. Throws when the table is ragged
 * or empty.
 */
export function positionalEncodingMapFigure(pe: number[][], options: PositionalEncodingMapOptions = {}): Figure {
  const [positions, dModel] = checkTable(pe, "positional encoding map");
  const title = options.title ?? "Positional encoding";
  const trace: Trace = {
    type: "heatmap",
    z: pe,
    x: indices(dModel),
    y: indices(positions),
    colorscale: options.colorscale ?? "RdBu",
    zmin: -1,
    zmax: 1,
    zmid: 0,
    hovertemplate: "position %{y}<br>dimension %{x}<br>PE %{z:.5f}<extra></extra>",
  };
  return {
    data: [trace],
    layout: {
      title: { text: plotlyText(title) },
      xaxis: { title: { text: "dimension" }, showgrid: false, zeroline: false },
      yaxis: { title: { text: "position" }, autorange: "reversed", showgrid: false, zeroline: false },
      margin: { l: 70, r: 20, t: 60, b: 60 },
      height: Math.max(300, Math.min(700, 18 * positions + 140)),
    },
  };
}

/**
 * One line per chosen dimension across positions, named "dim 4 (sin)",
 * "dim 5 (cos)". Throws when the table is ragged or empty, no dimension is
 * chosen, or a dimension is not an integer in 0..dModel - 1.
 */
export function sinusoidFigure(pe: number[][], dims: number[], options: SinusoidOptions = {}): Figure {
  const [positions, dModel] = checkTable(pe, "sinusoid plot");
  if (dims.length === 0) throw new Error("sinusoid plot: choose at least one dimension");
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d >= dModel) throw new Error(`sinusoid plot: dimension ${d} is not in 0..${dModel - 1} (dModel ${dModel})`);
  }
  const x = indices(positions);
  const data: Trace[] = dims.map((d) => ({
    type: "scatter",
    mode: options.markers === false ? "lines" : "lines+markers",
    name: `dim ${d} (${sinusoidKind(d)})`,
    x,
    y: pe.map((row) => row[d]),
    hovertemplate: `dim ${d} (${sinusoidKind(d)})<br>position %{x}<br>PE %{y:.5f}<extra></extra>`,
  }));
  return {
    data,
    layout: {
      title: { text: plotlyText(options.title ?? "Positional encoding by dimension") },
      xaxis: { title: { text: "position" } },
      yaxis: { title: { text: "PE value" }, range: [-1.1, 1.1] },
      margin: { l: 70, r: 20, t: 60, b: 60 },
      height: 380,
    },
  };
}
