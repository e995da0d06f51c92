/**
 * The head view (after BertViz): the query tokens in a column on the left, the
 * key tokens in a column on the right, and a line from every query to every
 * key, as strong as the weight the query gives that key. Each head has its own
 * colour, so the lines show at a glance which tokens a head looks at; the
 * legend turns heads on and off and a dropdown picks the layer.
 *
 * Plain plotly, so it works in a static page with no kernel behind it. Plotly
 * has one opacity per trace, so the weights are binned: for each layer and head
 * one line trace per opacity bin ((0, 1/8], (1/8, 2/8], ... drawn at the bin's
 * upper edge; weights under 0.01 are not drawn). A second, invisible trace per
 * layer and head carries the exact weights for hover, one point on each line.
 * Those points sit at a different place along each line for each key and head
 * (not at the midpoint, where pairs and heads would fall on the same spot).
 */
import type { Figure, Trace } from "../figure";
import { checkRectangular, plotlyText, uniqueLabels } from "./labels";

/** Options for {@link headViewFigure}. */
export interface HeadViewOptions {
  /** One label per query token (left column). */
  queries: string[];
  /** One label per key token (right column). */
  keys: string[];
  /** Figure title; none by default. */
  title?: string;
  /** The layer shown first, 0-based; default the last. */
  layer?: number;
  /** One CSS colour per head; default plotly's ten-colour cycle. */
  headColors?: string[];
}

/** Number of opacity bins over (0, 1]. */
export const OPACITY_BINS = 8;
/** Weights below this are not drawn (they still have a hover point). */
export const MIN_DRAWN_WEIGHT = 0.01;

const DEFAULT_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/** The bin of a weight in (0, 1]: (b/8, (b+1)/8] is bin b, drawn at opacity (b+1)/8. */
export function opacityBin(weight: number): number {
  return Math.min(OPACITY_BINS - 1, Math.max(0, Math.ceil(weight * OPACITY_BINS) - 1));
}

function checkLayers(layers: number[][][][], options: HeadViewOptions): [number, number] {
  const { queries, keys } = options;
  if (layers.length === 0) throw new Error("head view needs at least one layer");
  if (queries.length === 0 || keys.length === 0) throw new Error(`head view needs tokens: ${queries.length} queries, ${keys.length} keys`);
  const nHeads = layers[0].length;
  if (nHeads === 0) throw new Error("head view layer 1 has no heads");
  layers.forEach((heads, l) => {
    if (heads.length !== nHeads) throw new Error(`head view layer ${l + 1} has ${heads.length} heads, layer 1 has ${nHeads}`);
    heads.forEach((w, h) => {
      const what = `head view layer ${l + 1} head ${h + 1}`;
      const [rows, cols] = checkRectangular(w, what);
      if (rows !== queries.length) throw new Error(`${what} has ${rows} rows but ${queries.length} query labels`);
      if (cols !== keys.length) throw new Error(`${what} has ${cols} columns but ${keys.length} key labels`);
      w.forEach((row, q) =>
        row.forEach((x, k) => {
          if (!Number.isFinite(x) || x < 0 || x > 1) throw new Error(`${what} weight [${q}][${k}] is ${x}, not in [0, 1]`);
        }),
      );
    });
  });
  const layer = options.layer ?? layers.length - 1;
  if (!Number.isInteger(layer) || layer < 0 || layer >= layers.length) {
    throw new Error(`head view layer ${layer} is not in 0..${layers.length - 1} (${layers.length} layers)`);
  }
  if (options.headColors && options.headColors.length !== nHeads) {
    throw new Error(`head view has ${nHeads} heads but ${options.headColors.length} head colours`);
  }
  return [layers.length, nHeads];
}

/** True unless queries and keys are the same token list (then it is self-attention). */
function isCross(queries: string[], keys: string[]): boolean {
  return queries.length !== keys.length || queries.some((q, i) => q !== keys[i]);
}

/** Token i sits at y = -i, top to bottom (written 0 - i, so token 0 is at 0, not -0). */
const down = (i: number): number => 0 - i;

/** The lines and the hover points of one head of one layer. */
function headTraces(w: number[][], l: number, h: number, nHeads: number, color: string, queries: string[], keys: string[]): Trace[] {
  const name = `head ${h + 1}`;
  const meta = { layer: l, head: h };
  const bins: { x: (number | null)[]; y: (number | null)[] }[] = Array.from({ length: OPACITY_BINS }, () => ({ x: [], y: [] }));
  const hx: number[] = [];
  const hy: number[] = [];
  const weights: number[] = [];
  const text: string[] = [];
  const nKeys = keys.length;
  w.forEach((row, q) =>
    row.forEach((weight, k) => {
      if (weight >= MIN_DRAWN_WEIGHT) {
        const bin = bins[opacityBin(weight)];
        bin.x.push(0, 1, null);
        bin.y.push(down(q), down(k), null);
      }
      // A point on the line at a fraction t of the way, distinct for every (key, head).
      const t = 0.3 + (0.4 * (k * nHeads + h + 0.5)) / (nKeys * nHeads);
      hx.push(t);
      hy.push(down(q + t * (k - q)));
      weights.push(weight);
      text.push(`${name} · query ${queries[q]} → key ${keys[k]}`);
    }),
  );
  const lines: Trace[] = [];
  // Strongest bin first: the legend draws its entry from the first trace of the group.
  for (let b = OPACITY_BINS - 1; b >= 0; b--) {
    if (bins[b].x.length === 0) continue;
    lines.push({ type: "scatter", mode: "lines", x: bins[b].x, y: bins[b].y, opacity: (b + 1) / OPACITY_BINS, line: { color, width: 2 }, hoverinfo: "skip" });
  }
  // A head with no weight worth drawing still gets its legend entry.
  if (lines.length === 0) lines.push({ type: "scatter", mode: "lines", x: [], y: [], opacity: 1, line: { color, width: 2 }, hoverinfo: "skip" });
  const hover: Trace = {
    type: "scatter",
    mode: "markers",
    x: hx,
    y: hy,
    customdata: weights,
    text,
    marker: { size: 6, color, opacity: 0 },
    hovertemplate: "%{text}: weight %{customdata:.4f}<extra></extra>",
  };
  return [...lines, hover].map((t, i) => ({ ...t, name, legendgroup: name, showlegend: i === 0, meta }));
}

function tokenColumn(tokens: string[], x: number, side: "left" | "right", column: string): Trace {
  return {
    type: "scatter",
    mode: "text",
    x: tokens.map(() => x),
    y: tokens.map((_, i) => down(i)),
    text: tokens,
    textposition: side === "left" ? "middle left" : "middle right",
    hoverinfo: "skip",
    showlegend: false,
    meta: { column },
  };
}

/**
 * The head view of `layers[l][h][query][key]`: queries left, keys right, one
 * colour per head, line opacity by weight (binned), the exact weight on hover,
 * heads toggled from the legend and the layer chosen from a dropdown. Columns
 * are titled "queries" and "keys", or "target (queries)" and "source (keys)"
 * when the two token lists differ (cross-attention). Throws when there are no
 * layers or heads, the layers differ in head count, a head does not match the
 * labels, a weight is not in [0, 1], the layer is out of range or the colours
 * do not match the heads.
 */
export function headViewFigure(layers: number[][][][], options: HeadViewOptions): Figure {
  const [nLayers, nHeads] = checkLayers(layers, options);
  const shown = options.layer ?? nLayers - 1;
  const queries = uniqueLabels(options.queries).map(plotlyText);
  const keys = uniqueLabels(options.keys).map(plotlyText);
  const colors = options.headColors ?? Array.from({ length: nHeads }, (_, h) => DEFAULT_COLORS[h % DEFAULT_COLORS.length]);
  const cross = isCross(options.queries, options.keys);

  const data: Trace[] = [tokenColumn(queries, 0, "left", "queries"), tokenColumn(keys, 1, "right", "keys")];
  layers.forEach((heads, l) =>
    heads.forEach((w, h) => data.push(...headTraces(w, l, h, nHeads, colors[h], queries, keys).map((t) => ({ ...t, visible: l === shown })))),
  );
  // The token columns (no layer in their meta) stay; of the rest, only layer l's traces show.
  const visibleFor = (l: number): boolean[] => data.map((t) => [undefined, l].includes((t.meta as { layer?: number }).layer));

  const rows = Math.max(queries.length, keys.length);
  const titles = cross ? ["target (queries)", "source (keys)"] : ["queries", "keys"];
  // Pixel layout: each column as wide as its longest label or title (about 7 px a character),
  // the lines 260 px across (one x unit), then the legend.
  const longest = (labels: string[], title: string): number => labels.reduce((m, s) => Math.max(m, s.length), title.length);
  const lineW = 260;
  const leftW = 7 * longest(queries, titles[0]) + 12;
  const rightW = 7 * longest(keys, titles[1]) + 12;
  const columnTitle = (text: string, x: number, xanchor: string): Record<string, unknown> => ({
    text,
    x,
    y: 0.6,
    xref: "x",
    yref: "y",
    xanchor,
    yanchor: "bottom",
    showarrow: false,
    font: { size: 13 },
  });
  return {
    data,
    layout: {
      title: options.title ? { text: plotlyText(options.title), yref: "container", y: 1, yanchor: "top", pad: { t: 12 } } : undefined,
      xaxis: { visible: false, range: [-leftW / lineW, 1 + rightW / lineW], fixedrange: true },
      yaxis: { visible: false, range: [-(rows - 1) - 0.6, 1.4], fixedrange: true },
      annotations: [
        columnTitle(titles[0], 0, "right"),
        columnTitle(titles[1], 1, "left"),
      ],
      updatemenus: [
        {
          type: "dropdown",
          active: shown,
          showactive: true,
          x: 0,
          y: 1,
          xanchor: "left",
          yanchor: "bottom",
          buttons: layers.map((_, l) => ({ label: `layer ${l + 1}`, method: "restyle", args: [{ visible: visibleFor(l) }] })),
        },
      ],
      showlegend: true,
      legend: { title: { text: "heads (click to toggle)" } },
      hovermode: "closest",
      margin: { l: 20, r: 20, t: options.title ? 90 : 60, b: 20 },
      width: 20 + leftW + lineW + rightW + 20 + 170,
      height: Math.max(300, 26 * rows + 140),
      meta: { view: "head", layers: nLayers, heads: nHeads },
    },
  };
}
