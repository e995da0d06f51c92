/**
 * The neuron view (after BertViz): how one query token's attention weights
 * come about in one head, the article's Steps 3 and 4 laid out left to right.
 * The query vector q is multiplied dimension by dimension with each key vector
 * k (q ∘ k); each row of those products sums to the dot product q · k, the raw
 * score; the scores are divided by √dK; softmax over the keys turns them into
 * weights that sum to 1. Every cell and bar shows its exact value on hover, so
 * a reader can follow one weight from the vectors it came from.
 *
 * Letters: Tk = number of keys, dK = length of q and of every k.
 */
import type { Figure, Trace } from "../figure";
import { indices, plotlyText, uniqueLabels } from "./labels";
import { softmaxWithTemperature } from "./explorers";

/** Input of {@link neuronViewFigure}. */
export interface NeuronViewInput {
  /** The query vector q, [dK]. */
  query: number[];
  /** The key vectors k, one per key token, [Tk, dK]. */
  keys: number[][];
  /** The query's token, shown in the title of the q panel and on hover. */
  queryToken: string;
  /** One token per key vector. */
  keyTokens: string[];
  /** Figure title; none by default. */
  title?: string;
}

/** Every intermediate of one query's attention weights. */
export interface NeuronViewNumbers {
  /** q ∘ k, [Tk, dK]: products[i][d] = q[d] k[i][d]. */
  products: number[][];
  /** q · k per key, [Tk]: the row sums of products. */
  dots: number[];
  /** q · k / √dK per key, [Tk]. */
  scaled: number[];
  /** softmax(scaled), [Tk]: in [0, 1], summing to 1. */
  weights: number[];
}

function checkVectors(query: number[], keys: number[][]): void {
  if (keys.length === 0) throw new Error("neuron view needs at least one key");
  if (query.length === 0) throw new Error("neuron view query is empty (dK 0)");
  query.forEach((x, d) => {
    if (!Number.isFinite(x)) throw new Error(`neuron view query value ${d} is ${x}`);
  });
  keys.forEach((k, i) => {
    if (k.length !== query.length) throw new Error(`neuron view key ${i} has ${k.length} values, the query has ${query.length}`);
    k.forEach((x, d) => {
      if (!Number.isFinite(x)) throw new Error(`neuron view key ${i} value ${d} is ${x}`);
    });
  });
}

/**
 * The numbers of the neuron view: products, dot products, scaled scores and
 * softmax weights (computed with the maximum subtracted first, so large scores
 * do not overflow). Throws when there are no keys, the query is empty, a key's
 * length differs from the query's or a value is not finite.
 */
export function neuronViewNumbers(query: number[], keys: number[][]): NeuronViewNumbers {
  checkVectors(query, keys);
  const products = keys.map((k) => k.map((x, d) => query[d] * x)); // [Tk, dK]
  const dots = products.map((row) => row.reduce((s, x) => s + x, 0)); // [Tk]
  const scale = Math.sqrt(query.length);
  const scaled = dots.map((s) => s / scale); // [Tk]
  return { products, dots, scaled, weights: softmaxWithTemperature(scaled, 1) };
}

/** Half-width of a colour scale centred on 0 that holds every value (1 when all are 0). */
function symmetricLimit(rows: number[][]): number {
  const m = rows.reduce((acc, row) => row.reduce((a, x) => Math.max(a, Math.abs(x)), acc), 0);
  return m > 0 ? m : 1;
}

/**
 * The neuron view of one query over its keys, in one figure: q as a one-row
 * map above the keys k ([Tk, dK]), then q ∘ k (diverging colours centred on 0),
 * then bars per key of q · k, q · k / √dK and the softmax weights (0..1), the
 * key tokens down the left, top to bottom. Cells carry their value (2 decimals)
 * when dK ≤ 8; hover gives every value to 5 decimals. Throws as
 * {@link neuronViewNumbers} does, and when the key tokens do not match the keys.
 */
export function neuronViewFigure(input: NeuronViewInput): Figure {
  const { query, keys } = input;
  if (input.keyTokens.length !== keys.length) throw new Error(`neuron view has ${keys.length} keys but ${input.keyTokens.length} key tokens`);
  const n = neuronViewNumbers(query, keys);
  const dK = query.length;
  const tk = keys.length;
  const tokens = uniqueLabels(input.keyTokens).map(plotlyText);
  const queryToken = plotlyText(input.queryToken);
  const dims = indices(dK);
  const keyText = tokens.map((t) => dims.map(() => `key ${t}`)); // [Tk, dK], for hover
  const cellText = dK <= 8 ? { texttemplate: "%{z:.2f}" } : {};

  // Pixel layout: two maps dK cells wide, three bar panels, the q strip above the keys.
  // A wide head (dK 64) gets thin columns, so the whole figure still fits a page (about 900 px).
  const cellW = Math.max(3, Math.min(48, Math.floor(240 / dK)));
  const heatW = Math.max(60, cellW * dK);
  const barW = 95;
  const gapX = 26;
  const tickStep = Math.ceil(dK / 16); // at most 16 dimension labels per map
  const cellH = 28;
  const queryH = cellH;
  const keysH = cellH * tk;
  const gapY = 48;
  const innerW = 2 * heatW + 3 * barW + 4 * gapX;
  const innerH = queryH + gapY + keysH;
  const longest = tokens.reduce((m, t) => Math.max(m, t.length), queryToken.length);
  const margin = { l: Math.min(120, 7 * longest + 24), r: 20, t: 40 + (input.title ? 40 : 0), b: 50 };

  const widths = [heatW, heatW, barW, barW, barW];
  const xDomains = widths.map((w, p) => {
    const x0 = widths.slice(0, p).reduce((s, v) => s + v + gapX, 0);
    return [x0 / innerW, (x0 + w) / innerW];
  });
  const keysDomain = [0, keysH / innerH];
  const queryDomain = [1 - queryH / innerH, 1];
  const keyAxis = (showLabels: boolean): Record<string, unknown> => ({
    domain: keysDomain,
    range: [tk - 0.5, -0.5], // top to bottom
    tickmode: "array",
    tickvals: indices(tk),
    ticktext: tokens,
    showticklabels: showLabels,
    showgrid: false,
    zeroline: false,
  });
  const dimAxis = (domain: number[], showLabels: boolean): Record<string, unknown> => ({
    domain,
    range: [-0.5, dK - 0.5],
    tickmode: "array",
    tickvals: dims.filter((d) => d % tickStep === 0),
    showticklabels: showLabels,
    title: showLabels ? { text: "dimension" } : undefined,
    showgrid: false,
    zeroline: false,
  });
  const bar = (values: number[], axis: number, what: string): Trace => ({
    type: "bar",
    orientation: "h",
    x: values,
    y: indices(tk),
    hovertext: tokens,
    texttemplate: "%{x:.3f}",
    textposition: "auto",
    marker: { color: "#4292c6" },
    hovertemplate: `key %{hovertext}<br>${what} %{x:.5f}<extra></extra>`,
    xaxis: `x${axis}`,
    yaxis: `y${axis}`,
  });
  const heat = (z: number[][], text: string[][], axis: string, coloraxis: string, what: string): Trace => ({
    type: "heatmap",
    z,
    x: dims,
    y: indices(z.length),
    text,
    ...cellText,
    coloraxis,
    hovertemplate: `%{text} · dim %{x}<br>${what} %{z:.5f}<extra></extra>`,
    xaxis: `x${axis}`,
    yaxis: `y${axis}`,
  });

  const data: Trace[] = [
    heat([query], [dims.map(() => `query ${queryToken}`)], "", "coloraxis", "q"),
    heat(keys, keyText, "2", "coloraxis", "k"),
    heat(n.products, keyText, "3", "coloraxis2", "q ∘ k"),
    bar(n.dots, 4, "q · k"),
    bar(n.scaled, 5, `q · k / √${dK}`),
    bar(n.weights, 6, "weight"),
  ];
  const vectorLimit = symmetricLimit([query, ...keys]);
  const productLimit = symmetricLimit(n.products);
  const titles = [`query q (${queryToken})`, "keys k", "q ∘ k", "q · k (row sums)", `q · k / √${dK}`, "softmax"];
  const annotations = titles.map((text, p) => {
    const domain = p === 0 ? xDomains[0] : xDomains[p - 1];
    return {
      text,
      showarrow: false,
      xref: "paper",
      yref: "paper",
      x: (domain[0] + domain[1]) / 2,
      y: p === 0 ? queryDomain[1] : keysDomain[1],
      xanchor: "center",
      yanchor: "bottom",
      yshift: 4,
    };
  });
  return {
    data,
    layout: {
      title: input.title ? { text: plotlyText(input.title), yref: "container", y: 1, yanchor: "top", pad: { t: 12 } } : undefined,
      coloraxis: { colorscale: "RdBu", cmin: -vectorLimit, cmax: vectorLimit, cmid: 0, showscale: false },
      coloraxis2: { colorscale: "RdBu", cmin: -productLimit, cmax: productLimit, cmid: 0, showscale: false },
      xaxis: { ...dimAxis(xDomains[0], false), anchor: "y" },
      yaxis: { domain: queryDomain, range: [0.5, -0.5], tickmode: "array", tickvals: [0], ticktext: [queryToken], showgrid: false, zeroline: false, anchor: "x" },
      xaxis2: { ...dimAxis(xDomains[0], true), anchor: "y2" },
      yaxis2: { ...keyAxis(true), anchor: "x2" },
      xaxis3: { ...dimAxis(xDomains[1], true), anchor: "y3" },
      yaxis3: { ...keyAxis(false), anchor: "x3" },
      ...Object.fromEntries(
        [4, 5, 6].flatMap((a) => [
          [`xaxis${a}`, { domain: xDomains[a - 2], anchor: `y${a}`, zeroline: true, ...(a === 6 ? { range: [0, 1] } : {}) }],
          [`yaxis${a}`, { ...keyAxis(false), anchor: `x${a}` }],
        ]),
      ),
      annotations,
      showlegend: false,
      margin,
      width: margin.l + innerW + margin.r,
      height: margin.t + innerH + margin.b,
    },
  };
}
