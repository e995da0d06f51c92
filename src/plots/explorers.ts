/**
 * Explorers: figures a reader plays with in a static page, with no kernel
 * behind it. Everything moves through plotly's own sliders, buttons and
 * animation frames, so an exported HTML page stays interactive offline.
 *
 * - Temperature: softmax(scores / T). Dividing by a small T stretches the
 *   gaps between scores, so the weights sharpen toward the argmax (all weight
 *   on the largest score as T -> 0); a large T squeezes the gaps, so the
 *   weights flatten toward uniform (1/n each). T = 1 is the ordinary softmax.
 * - Positional encoding: one dimension of the table across positions at a
 *   time. Dimensions 2i and 2i + 1 share the wavelength 2π · 10000^(2i/dModel),
 *   from 2π for the first pair up to nearly 2π · 10000 for the last.
 * - Decoding: greedy decoding adds one token per step; the decoder's
 *   self-attention at step t covers the t tokens known so far, and the causal
 *   mask hides every later key from each query (the upper triangle).
 */
import type { Figure, Trace } from "../figure";
import { checkRectangular, indices, plotlyText, uniqueLabels, WEIGHT_COLORSCALE } from "./labels";

/** Three significant digits, never an exponent below 1e21: 0.5, 6.28, 628, 62800. */
const short = (x: number): string => String(Number(x.toPrecision(3)));
const titleOf = (text: string): Record<string, unknown> => ({ text: plotlyText(text) });

/**
 * softmax(scores / T), shifted by the maximum so exp() cannot overflow. A
 * score of -Infinity (a masked key) gets exactly 0. Throws unless T > 0.
 */
export function softmaxWithTemperature(scores: readonly number[], temperature: number): number[] {
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new Error(`temperature ${temperature} must be a finite number > 0`);
  if (scores.length === 0) throw new Error("softmax with temperature needs at least one score");
  scores.forEach((s, i) => {
    if (Number.isNaN(s) || s === Infinity) throw new Error(`score ${i} is ${s}: scores must be finite or -Infinity (masked)`);
  });
  const max = Math.max(...scores);
  if (max === -Infinity) throw new Error("every score is -Infinity: there is no distribution to give");
  const e = scores.map((s) => Math.exp((s - max) / temperature));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Options for {@link softmaxTemperatureFigure}. */
export interface SoftmaxTemperatureOptions {
  /** Temperatures on the slider; default 0.1, 0.2, 0.5, 1, 2, 5, 10 (1-2-5 steps, evenly spread on a log scale). */
  temperatures?: number[];
  /** Figure title; default "Softmax with temperature". */
  title?: string;
  /** The temperature shown first; default 1 (else the one nearest 1 on a log scale). Must be on the slider. */
  initial?: number;
}

export const DEFAULT_TEMPERATURES: readonly number[] = [0.1, 0.2, 0.5, 1, 2, 5, 10];

const weightText = (w: number[]): string[] => w.map((v) => v.toFixed(5));

/**
 * The weights softmax(scores / T) as bars, one per label (y fixed to 0..1, the
 * weight written on each bar and on hover, the score on hover too), with a
 * slider over the temperatures that restyles the bars. A dashed line marks the
 * uniform weight 1/n. Throws on a label mismatch, no temperatures, a T <= 0,
 * or an initial T that is not on the slider.
 */
export function softmaxTemperatureFigure(scores: number[], labels: string[], options: SoftmaxTemperatureOptions = {}): Figure {
  if (labels.length !== scores.length) throw new Error(`softmax temperature figure has ${scores.length} scores but ${labels.length} labels`);
  const temps = options.temperatures ?? [...DEFAULT_TEMPERATURES];
  if (temps.length === 0) throw new Error("softmax temperature figure needs at least one temperature");
  const weights = temps.map((t) => softmaxWithTemperature(scores, t));
  const nearestOne = temps.reduce((best, t) => (Math.abs(Math.log(t)) < Math.abs(Math.log(best)) ? t : best));
  const initial = options.initial ?? nearestOne;
  const active = temps.indexOf(initial);
  if (active < 0) throw new Error(`initial temperature ${initial} is not one of the temperatures ${temps.join(", ")}`);
  const x = uniqueLabels(labels).map(plotlyText);
  const n = scores.length;
  const bars: Trace = {
    type: "bar",
    x,
    y: weights[active],
    text: weightText(weights[active]),
    textposition: "auto",
    customdata: scores,
    hovertemplate: "%{x}<br>score %{customdata:.5f}<br>weight %{y:.5f}<extra></extra>",
    marker: { color: WEIGHT_COLORSCALE[3][1] },
  };
  const steps = temps.map((t, k) => ({ method: "restyle", label: `T = ${short(t)}`, args: [{ y: [weights[k]], text: [weightText(weights[k])] }, [0]] }));
  return {
    data: [bars],
    layout: {
      title: titleOf(options.title ?? "Softmax with temperature"),
      xaxis: { type: "category" },
      yaxis: { title: { text: "weight" }, range: [0, 1] },
      shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 1 / n, y1: 1 / n, line: { dash: "dash", color: "#888", width: 1 } }],
      annotations: [
        {
          text: `T = 1 is the ordinary softmax; low T sharpens toward the argmax, high T flattens toward uniform (dashed: 1/${n})`,
          showarrow: false, xref: "paper", yref: "paper", x: 0, y: 1.02, xanchor: "left", yanchor: "bottom", font: { size: 12 },
        },
      ],
      sliders: [{ active, steps, currentvalue: { visible: true, prefix: "" }, pad: { t: 50 } }],
      margin: { l: 70, r: 20, t: 80, b: 40 },
      height: 440,
    },
  };
}

/** The wavelength of dimension `dim`: 2π · 10000^(2i/dModel) for its pair index i = floor(dim / 2). */
export function sinusoidWavelength(dim: number, dModel: number): number {
  const i = Math.floor(dim / 2);
  return 2 * Math.PI * Math.pow(10000, (2 * i) / dModel);
}

/** Options for {@link positionalEncodingExplorerFigure}. */
export interface PositionalEncodingExplorerOptions {
  /** Dimensions on the slider; default 0, 1, 2, 3, then eight more spread evenly up to dModel - 1. */
  dims?: number[];
  /** Figure title; default "Positional encoding, one dimension at a time". */
  title?: string;
}

function defaultDims(dModel: number): number[] {
  const first = indices(Math.min(4, dModel));
  const last = dModel - 1;
  const spread = last > 3 ? indices(8).map((k) => Math.round(3 + ((k + 1) * (last - 3)) / 8)) : [];
  return [...new Set([...first, ...spread])];
}

/**
 * One dimension of `pe[pos][dim]` as a curve across positions (lines and
 * markers, y fixed to -1.1..1.1), with a slider over the chosen dimensions
 * labelled "dim 6 (sin, wavelength 199)" (dModel 16). Throws when the table is ragged or
 * empty, no dimension is chosen, or a dimension is out of range.
 */
export function positionalEncodingExplorerFigure(pe: number[][], options: PositionalEncodingExplorerOptions = {}): Figure {
  const [positions, dModel] = checkRectangular(pe, "positional encoding explorer");
  if (positions === 0 || dModel === 0) throw new Error(`positional encoding explorer: the table is empty (${positions} positions x ${dModel} dimensions)`);
  const dims = options.dims ?? defaultDims(dModel);
  if (dims.length === 0) throw new Error("positional encoding explorer: choose at least one dimension");
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d >= dModel) throw new Error(`positional encoding explorer: dimension ${d} is not in 0..${dModel - 1} (dModel ${dModel})`);
  }
  const name = (d: number): string => `dim ${d} (${d % 2 === 0 ? "sin" : "cos"}, wavelength ${short(sinusoidWavelength(d, dModel))})`;
  const column = (d: number): number[] => pe.map((row) => row[d]);
  const hover = (d: number): string => `${name(d)}<br>position %{x}<br>PE %{y:.5f}<extra></extra>`;
  const line: Trace = { type: "scatter", mode: "lines+markers", x: indices(positions), y: column(dims[0]), name: name(dims[0]), hovertemplate: hover(dims[0]) };
  const steps = dims.map((d) => ({ method: "restyle", label: name(d), args: [{ y: [column(d)], name: [name(d)], hovertemplate: [hover(d)] }, [0]] }));
  return {
    data: [line],
    layout: {
      title: titleOf(options.title ?? "Positional encoding, one dimension at a time"),
      xaxis: { title: { text: "position" } },
      yaxis: { title: { text: "PE value" }, range: [-1.1, 1.1] },
      sliders: [{ active: 0, steps, currentvalue: { visible: true, prefix: "" }, pad: { t: 50 } }],
      margin: { l: 70, r: 20, t: 60, b: 40 },
      height: 440,
    },
  };
}

/** One step of greedy decoding: the tokens known so far and the decoder's self-attention over them. */
export interface DecodingStep {
  tokens: string[];
  /** `[t][t]`, row i over keys 0..i; entries above the diagonal are 0 (masked). */
  weights: number[][];
}

/** Options for {@link decodingAnimationFigure}. */
export interface DecodingAnimationOptions {
  /** Figure title; default "The causal mask during greedy decoding". */
  title?: string;
  /** Milliseconds per frame when playing; default 800. */
  frameMs?: number;
}

const MASKED_GREY: [number, string][] = [[0, "#d9d9d9"], [1, "#d9d9d9"]];

function checkSteps(steps: DecodingStep[]): void {
  if (steps.length === 0) throw new Error("decoding animation needs at least one step");
  steps.forEach((s, k) => {
    const t = k + 1;
    if (s.tokens.length !== t) throw new Error(`decoding step ${t} has ${s.tokens.length} tokens, expected ${t}`);
    const [rows, cols] = checkRectangular(s.weights, `decoding step ${t} weights`);
    if (rows !== t || cols !== t) throw new Error(`decoding step ${t} weights are ${rows} x ${cols}, expected ${t} x ${t}`);
    s.weights.forEach((row, i) => row.forEach((w, j) => {
      if (j > i && w !== 0) throw new Error(`decoding step ${t} weights[${i}][${j}] is ${w}, above the diagonal (must be 0: query ${i} cannot see key ${j})`);
    }));
    if (k > 0) {
      const prev = steps[k - 1].tokens;
      const i = prev.findIndex((tok, j) => s.tokens[j] !== tok);
      if (i >= 0) throw new Error(`decoding step ${t} tokens do not extend step ${k}: token ${i} is "${s.tokens[i]}", was "${prev[i]}"`);
    }
  });
}

/**
 * Greedy decoding as a plotly animation on the fixed grid of the final
 * sequence (queries top to bottom, keys along the top, the final tokens as
 * ticks): frame "step t" shows the weights of the t known tokens, the masked
 * upper triangle in grey, and null (empty) rows and columns for the tokens not
 * yet generated. A Play/Pause button and a slider drive the frames. Trace 0
 * holds the weights, trace 1 the mask. Throws on an empty or malformed step
 * (see {@link DecodingStep}) or tokens that do not extend the previous step's.
 */
export function decodingAnimationFigure(steps: DecodingStep[], options: DecodingAnimationOptions = {}): Figure {
  checkSteps(steps);
  const frameMs = options.frameMs ?? 800;
  if (!(frameMs > 0)) throw new Error(`decoding animation frameMs ${frameMs} must be > 0`);
  const n = steps.length;
  const tokens = uniqueLabels(steps[n - 1].tokens).map(plotlyText);
  // [n][n] on the final grid; cells outside the t known tokens are null.
  const grid = (t: number, cell: (i: number, j: number) => number | null): (number | null)[][] =>
    indices(n).map((i) => indices(n).map((j) => (i < t && j < t ? cell(i, j) : null)));
  const z = (s: DecodingStep, t: number) => grid(t, (i, j) => (j <= i ? s.weights[i][j] : null));
  const mask = (t: number) => grid(t, (i, j) => (j > i ? 1 : null));
  const text = tokens.map((q) => tokens.map((k) => `query ${q}<br>key ${k}`));
  const base = { type: "heatmap", x: indices(n), y: indices(n), text, hoverongaps: false };
  const data: Trace[] = [
    { ...base, z: z(steps[0], 1), colorscale: WEIGHT_COLORSCALE, zmin: 0, zmax: 1, colorbar: { title: { text: "weight" } }, hovertemplate: "%{text}<br>weight %{z:.5f}<extra></extra>" },
    { ...base, z: mask(1), colorscale: MASKED_GREY, zmin: 0, zmax: 1, showscale: false, hovertemplate: "%{text}<br>masked: a later key<extra></extra>" },
  ];
  const frames = steps.map((s, k) => ({ name: `step ${k + 1}`, data: [{ z: z(s, k + 1) }, { z: mask(k + 1) }], traces: [0, 1] }));
  const play = { frame: { duration: frameMs, redraw: true }, transition: { duration: 0 }, fromcurrent: true, mode: "immediate" };
  const jump = { frame: { duration: 0, redraw: true }, transition: { duration: 0 }, mode: "immediate" };
  const axis = { tickmode: "array", tickvals: indices(n), ticktext: tokens, showgrid: false, zeroline: false, range: [-0.5, n - 0.5] };
  return {
    data,
    frames,
    layout: {
      title: titleOf(options.title ?? "The causal mask during greedy decoding"),
      xaxis: { ...axis, side: "top", title: { text: "key" } },
      yaxis: { ...axis, range: [n - 0.5, -0.5], title: { text: "query" }, scaleanchor: "x", constrain: "domain" },
      updatemenus: [{
        type: "buttons", direction: "left", showactive: false, x: 0, y: 0, xanchor: "left", yanchor: "top", pad: { t: 10 },
        buttons: [
          { label: "Play", method: "animate", args: [null, play] },
          { label: "Pause", method: "animate", args: [[null], { ...jump, frame: { duration: 0, redraw: false } }] },
        ],
      }],
      sliders: [{
        active: 0, x: 0.15, len: 0.85, y: 0, yanchor: "top", pad: { t: 10 }, currentvalue: { visible: true, prefix: "", xanchor: "right" },
        steps: frames.map((f) => ({ method: "animate", label: f.name, args: [[f.name], jump] })),
      }],
      margin: { l: 90, r: 20, t: 130, b: 90 },
      height: Math.max(360, 28 * n + 260),
    },
  };
}
