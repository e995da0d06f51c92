/**
 * Attention maps: the weights of every query (rows, top to bottom, like the
 * article's matrices) over every key (columns, labelled along the top), one
 * heatmap per head.
 *
 * Axes are numeric (0, 1, 2, ...) with the tokens as tick text, so two
 * tokens that are spelled the same ("the" at 0 and at 5) still get their own
 * row and column; repeated labels also get their position appended
 * ("the (0)", "the (5)") so ticks and hover text say which one is meant.
 */
import type { Figure, Trace } from "../figure";
import { checkRectangular, indices, plotlyText, uniqueLabels, WEIGHT_COLORSCALE } from "./labels";

/** Options for {@link attentionMapFigure}. */
export interface AttentionMapOptions {
  /** One label per row (query token). */
  queries: string[];
  /** One label per column (key token). */
  keys: string[];
  /** Figure title; none by default. */
  title?: string;
  /** Write each weight in its cell (2 decimals); off by default. */
  annotate?: boolean;
}

/** Options for {@link attentionGridFigure}. */
export interface AttentionGridOptions {
  /** One label per row (query token), shared by every head. */
  queries: string[];
  /** One label per column (key token), shared by every head. */
  keys: string[];
  /** One title per head; default "head 1", "head 2", ... */
  titles?: string[];
  /** Heads per row of the grid; default min(4, number of heads). */
  columns?: number;
  /** Figure title; none by default. */
  title?: string;
  /**
   * Key labels above the first row only (and query labels left of the first
   * column, as always), so many small maps fit a page: the model view. Default false.
   */
  edgeLabels?: boolean;
}

const COLORSCALE = WEIGHT_COLORSCALE;

function checkWeights(weights: number[][], queries: string[], keys: string[], what: string): void {
  const [rows, cols] = checkRectangular(weights, what);
  if (rows !== queries.length) throw new Error(`${what} has ${rows} rows but ${queries.length} query labels`);
  if (cols !== keys.length) throw new Error(`${what} has ${cols} columns but ${keys.length} key labels`);
  if (rows === 0 || cols === 0) throw new Error(`${what} is empty (${rows} x ${cols})`);
}

/** Hover text per cell: "query it<br>key animal". */
function hoverText(queries: string[], keys: string[]): string[][] {
  return queries.map((q) => keys.map((k) => `query ${q}<br>key ${k}`));
}

function heatTrace(weights: number[][], queries: string[], keys: string[]): Trace {
  return {
    type: "heatmap",
    z: weights,
    x: indices(keys.length),
    y: indices(queries.length),
    text: hoverText(queries, keys),
    hovertemplate: "%{text}<br>weight %{z:.5f}<extra></extra>",
  };
}

function tokenAxis(labels: string[]): Record<string, unknown> {
  return {
    tickmode: "array",
    tickvals: indices(labels.length),
    ticktext: labels,
    showgrid: false,
    zeroline: false,
  };
}

/**
 * One attention map: `weights[query][key]`, queries top to bottom, keys along
 * the top, colour fixed to 0..1, the weight (and both tokens) on hover.
 * Throws when the weights are ragged or do not match the label counts.
 */
export function attentionMapFigure(weights: number[][], options: AttentionMapOptions): Figure {
  checkWeights(weights, options.queries, options.keys, "attention map");
  const queries = uniqueLabels(options.queries).map(plotlyText);
  const keys = uniqueLabels(options.keys).map(plotlyText);
  const trace: Trace = { ...heatTrace(weights, queries, keys), colorscale: COLORSCALE, zmin: 0, zmax: 1 };
  if (options.annotate) trace.texttemplate = "%{z:.2f}";
  return {
    data: [trace],
    layout: {
      title: options.title ? { text: plotlyText(options.title), yref: "container", y: 1, yanchor: "top", pad: { t: 12 } } : undefined,
      xaxis: { ...tokenAxis(keys), side: "top", title: { text: "key" } },
      yaxis: { ...tokenAxis(queries), autorange: "reversed", title: { text: "query" }, scaleanchor: "x", constrain: "domain" },
      margin: { l: 90, r: 20, t: options.title ? 130 : 100, b: 20 },
      height: Math.max(300, 28 * queries.length + 190),
    },
  };
}

/** Rough height in pixels of the longest tick label (rotated when crowded). */
function labelSpace(labels: string[]): number {
  const longest = labels.reduce((m, l) => Math.max(m, l.length), 0);
  return Math.min(110, 7 * longest + 14);
}

/**
 * Several attention maps in one figure, one subplot per head (axes x, x2, x3,
 * ... with their own domains), sharing one colour scale fixed to 0..1 and one
 * colour bar: the "attention map of every head". `heads[h][query][key]`.
 * Query labels are shown on the first column only. Throws when there are no
 * heads, a head does not match the labels, or titles/columns do not fit.
 */
export function attentionGridFigure(heads: number[][][], options: AttentionGridOptions): Figure {
  const nHeads = heads.length;
  if (nHeads === 0) throw new Error("attention grid needs at least one head");
  heads.forEach((w, h) => checkWeights(w, options.queries, options.keys, `attention grid head ${h}`));
  if (options.titles && options.titles.length !== nHeads) {
    throw new Error(`attention grid has ${nHeads} heads but ${options.titles.length} titles`);
  }
  const columns = options.columns ?? Math.min(4, nHeads);
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`attention grid columns ${columns} must be a positive integer`);
  const rows = Math.ceil(nHeads / columns);
  const queries = uniqueLabels(options.queries).map(plotlyText);
  const keys = uniqueLabels(options.keys).map(plotlyText);
  const titles = (options.titles ?? heads.map((_, h) => `head ${h + 1}`)).map(plotlyText);

  // Pixel layout: square cells, room above each subplot for its key labels and title.
  // Cells of 8-16 px, so that a grid of 4 heads of a sentence fits a page (about 680 px inside).
  // With edge labels (the model view) cells may shrink to 4 px, so 8 heads of a sentence fit too.
  const edge = options.edgeLabels ?? false;
  const gapX = edge ? 10 : 24;
  const minCell = edge ? 4 : 8;
  const cell = Math.max(minCell, Math.min(16, Math.floor((680 - (columns - 1) * gapX) / (columns * Math.max(keys.length, 1)))));
  const minPlot = edge ? 40 : 120;
  const plotW = Math.max(minPlot, cell * keys.length);
  const plotH = Math.max(minPlot, cell * queries.length);
  // Cells under 10 px are too small for a label per row: the model view then relies on hover.
  const readable = cell >= 10;
  const labelsH = edge && !readable ? 0 : labelSpace(keys);
  const gapY = edge ? 24 : labelsH + 34;
  const innerW = columns * plotW + (columns - 1) * gapX;
  const innerH = rows * plotH + (rows - 1) * gapY;
  const margin = { l: (edge && !readable ? 0 : labelSpace(queries)) + 40, r: 100, t: labelsH + 34 + (options.title ? 40 : 0), b: 20 };

  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: options.title ? { text: plotlyText(options.title), yref: "container", y: 1, yanchor: "top", pad: { t: 12 } } : undefined,
    coloraxis: { cmin: 0, cmax: 1, colorscale: COLORSCALE, colorbar: { title: { text: "weight" } } },
    width: margin.l + innerW + margin.r,
    height: margin.t + innerH + margin.b,
    margin,
    showlegend: false,
  };
  const annotations: Record<string, unknown>[] = [];
  heads.forEach((weights, h) => {
    const row = Math.floor(h / columns);
    const col = h % columns;
    const suffix = h === 0 ? "" : String(h + 1);
    const x0 = (col * (plotW + gapX)) / innerW;
    const x1 = (col * (plotW + gapX) + plotW) / innerW;
    const y1 = 1 - (row * (plotH + gapY)) / innerH;
    const y0 = y1 - plotH / innerH;
    data.push({ ...heatTrace(weights, queries, keys), xaxis: `x${suffix}`, yaxis: `y${suffix}`, coloraxis: "coloraxis" });
    layout[`xaxis${suffix}`] = { ...tokenAxis(keys), domain: [x0, x1], anchor: `y${suffix}`, side: "top", showticklabels: !edge || (row === 0 && readable) };
    layout[`yaxis${suffix}`] = { ...tokenAxis(queries), domain: [y0, y1], anchor: `x${suffix}`, autorange: "reversed", showticklabels: col === 0 && (!edge || readable) };
    annotations.push({
      text: titles[h],
      showarrow: false,
      xref: "paper",
      yref: "paper",
      x: (x0 + x1) / 2,
      y: y1,
      xanchor: "center",
      yanchor: "bottom",
      yshift: edge && row > 0 ? 4 : labelsH + 6,
    });
  });
  layout.annotations = annotations;
  return { data, layout };
}

/** Options for {@link attentionLayersFigure}. */
export interface AttentionLayersOptions {
  queries: string[];
  keys: string[];
  title?: string;
}

/**
 * The model view: every layer and every head of one attention kind in one
 * grid, a row per layer and a column per head, titled "L1 H1" (layer 1, head
 * 1), with the key labels above the first row only (and none when the maps are
 * too small to label; hover names the tokens). `layers[l][h][query][key]`.
 */
export function attentionLayersFigure(layers: number[][][][], options: AttentionLayersOptions): Figure {
  if (layers.length === 0) throw new Error("attention layers figure needs at least one layer");
  const nHeads = layers[0].length;
  layers.forEach((heads, l) => {
    if (heads.length !== nHeads) throw new Error(`layer ${l + 1} has ${heads.length} heads, layer 1 has ${nHeads}`);
  });
  const titles = layers.flatMap((heads, l) => heads.map((_, h) => `L${l + 1} H${h + 1}`));
  return attentionGridFigure(layers.flat(), { queries: options.queries, keys: options.keys, columns: nHeads, titles, title: options.title, edgeLabels: true });
}
