/**
 * What a notebook cell puts on screen: plots, tables, formulas, published
 * figures and live (updating) displays.
 *
 * Inside the kernel every call sends one display bundle through tslab; outside
 * it (plain Node, tests) the text/plain part is printed instead, so the same
 * code runs anywhere.
 */
import { randomBytes } from "crypto";
import type { Figure } from "../src/figure";
import { escapeHtml, formatValue, makeTable, scriptJson, tableToHtml, tableToText, type TableOptions } from "./format";
import { FIGURES_MIME, OUTPUT_ROLE_KEY, PLOTLY_LIBRARY_ROLE, PLOTLY_MIME, type MimeBundle } from "./nbformat";
import { PLOTLY_CONFIG, plotlyLibrarySource } from "./plotly";
import { writeDisplayData } from "./tslab-internals";

// ---------------------------------------------------------------- low level

/** Kernel-session state, on globalThis so that a library reload keeps it. */
interface SessionState {
  plotlyLoaded: boolean;
}
const STATE_KEY = Symbol.for("transformer-notebooks.display");
function session(): SessionState {
  const g = globalThis as unknown as Record<symbol, SessionState | undefined>;
  return (g[STATE_KEY] ??= { plotlyLoaded: false });
}

function newDisplayId(): string {
  return randomBytes(8).toString("hex");
}

/**
 * Sends a bundle (several mime types of one output). With `displayId`, later
 * calls with `update: true` replace it in place. Outside a kernel, prints text/plain.
 */
export function displayBundle(
  data: MimeBundle,
  options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> } = {},
): void {
  const sent = writeDisplayData(
    { data, metadata: options.metadata ?? {}, transient: options.displayId ? { display_id: options.displayId } : {} },
    options.update ?? false,
  );
  if (!sent) {
    const text = data["text/plain"];
    if (typeof text === "string" && text !== "") process.stdout.write(text.endsWith("\n") ? text : text + "\n");
  }
}

// ---------------------------------------------------------------- plots

/** A short text stand-in for a figure, for text-only front ends. */
function figureText(figure: Figure): string {
  const title = (figure.layout.title as { text?: string } | undefined)?.text;
  const types = [...new Set(figure.data.map((t) => String(t.type ?? "scatter")))].join(", ");
  return `<plotly figure${title ? `: ${title}` : ""} (${types})>`;
}

/**
 * The display bundle of a figure: text/html that draws it with the page's
 * plotly.js (guarded: says so in the output if plotly.js is missing), the
 * plotly mime type for front ends with a plotly renderer, and text/plain.
 */
export function figureBundle(figure: Figure, divId: string = `tn-plot-${newDisplayId()}`): MimeBundle {
  const config = { ...PLOTLY_CONFIG, ...(figure.config ?? {}) };
  // Animations (a figure with frames) keep their frames; plain figures send none.
  const plotlyFigure = { data: figure.data, layout: figure.layout, config, ...(figure.frames ? { frames: figure.frames } : {}) };
  const height = typeof figure.layout.height === "number" ? figure.layout.height : 420;
  const html =
    `<div id="${divId}" class="tn-plot" style="width:100%;min-height:${height}px"></div>\n` +
    `<script type="text/javascript">\n(function () {\n` +
    `  var el = document.getElementById(${JSON.stringify(divId)});\n` +
    `  var fig = ${scriptJson(plotlyFigure)};\n` +
    `  if (!el) return;\n` +
    `  if (window.Plotly) { window.Plotly.newPlot(el, fig); }\n` +
    `  else { el.style.minHeight = ""; el.textContent = "(plotly.js is not loaded in this page: run the notebook again, or trust it, to draw this plot)"; }\n` +
    `})();\n</script>`;
  return {
    "text/html": html,
    [PLOTLY_MIME]: plotlyFigure,
    "text/plain": figureText(figure),
  };
}

/**
 * Loads plotly.js into the page once per kernel session, as an output of its
 * own (never replaced by a live update, so a saved notebook keeps it).
 */
export function ensurePlotlyLoaded(): void {
  const state = session();
  if (state.plotlyLoaded) return;
  // Outside a kernel there is no page to load it into: skip silently.
  const lib = plotlyLibrarySource();
  const sent = writeDisplayData(
    {
      data: {
        "text/html": `<script type="text/javascript">window.PlotlyConfig = { MathJaxConfig: "local" };\n${lib}\n</script>`,
        "text/plain": "",
      },
      metadata: { [OUTPUT_ROLE_KEY]: PLOTLY_LIBRARY_ROLE },
      transient: {},
    },
    false,
  );
  if (sent) state.plotlyLoaded = true;
}

/** Draws a plotly figure inline. */
export function show(figure: Figure): void {
  if (!figure || !Array.isArray(figure.data) || typeof figure.layout !== "object") {
    throw new TypeError("show() takes a plotly figure { data: [...], layout: {...} }");
  }
  ensurePlotlyLoaded();
  displayBundle(figureBundle(figure));
}

// ---------------------------------------------------------------- text, tables, TeX

/** Shows rows of numbers as a readable table (HTML and aligned text). */
export function showTable(rows: readonly (readonly unknown[] | Record<string, unknown>)[], options: TableOptions = {}): void {
  const table = makeTable(rows, options);
  displayBundle({ "text/html": tableToHtml(table), "text/plain": tableToText(table) });
}

/** Shows a display-mode formula, e.g. tex("\\mathrm{softmax}(x)_i = ..."). */
export function tex(formula: string): void {
  const body = formula.trim().replace(/^\$\$|\$\$$/g, "");
  displayBundle({ "text/latex": `$$${body}$$`, "text/plain": body });
}

/** Shows markdown (rendered by the front end; math in $...$ works too). */
export function markdown(text: string): void {
  displayBundle({ "text/markdown": text, "text/plain": text });
}

// ---------------------------------------------------------------- published figures

/** A value a notebook may publish: numbers (finite), strings, booleans, lists, nested objects. */
export type FigureValue = number | string | boolean | FigureValue[] | { [name: string]: FigureValue };

function checkFigureValue(value: unknown, name: string): void {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`published figure "${name}" is ${value}, not a finite number`);
  } else if (Array.isArray(value)) value.forEach((v, i) => checkFigureValue(v, `${name}[${i}]`));
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) checkFigureValue(v, `${name}.${k}`);
  } else if (typeof value !== "string" && typeof value !== "boolean") {
    throw new Error(`published figure "${name}" is ${value === null ? "null" : typeof value}; publish numbers, strings, booleans, lists or objects`);
  }
}

/**
 * Publishes a notebook's checked figures: named values that `npm start`
 * gathers into build/figures.json and the tests compare with hand values.
 * Several calls in one notebook merge; a name published twice is refused.
 */
export function publish(figures: Record<string, FigureValue>): void {
  if (typeof figures !== "object" || figures === null || Array.isArray(figures)) {
    throw new TypeError("publish() takes an object of named figures, e.g. publish({ 'softmax.animal': 0.5909 })");
  }
  for (const [name, value] of Object.entries(figures)) {
    if (name.trim() === "") throw new Error("a published figure needs a non-empty name");
    checkFigureValue(value, name);
  }
  const rows = Object.entries(figures).map(([name, value]) => [name, formatValue(value)]);
  const table = makeTable(rows, { columns: ["figure", "value"], title: "Published figures" });
  displayBundle({ [FIGURES_MIME]: figures, "text/html": tableToHtml(table), "text/plain": tableToText(table) });
}

// ---------------------------------------------------------------- live displays

/** One output that can be replaced in place (progress, a training curve). */
export interface LiveDisplay {
  readonly id: string;
  /** Replaces the output with a figure or text or a raw bundle. */
  update(content: Figure | string | MimeBundle): void;
}

function toBundle(content: Figure | string | MimeBundle): MimeBundle {
  if (typeof content === "string") return { "text/plain": content };
  if (Array.isArray((content as Figure).data) && typeof (content as Figure).layout === "object") {
    ensurePlotlyLoaded();
    return figureBundle(content as Figure);
  }
  return content as MimeBundle;
}

/** Opens a live display; its first update creates the output, later ones replace it. */
export function liveDisplay(): LiveDisplay {
  const id = newDisplayId();
  let created = false;
  return {
    id,
    update(content) {
      displayBundle(toBundle(content), { displayId: id, update: created });
      created = true;
    },
  };
}

export interface ProgressOptions {
  total: number;
  label?: string;
  /** Minimum milliseconds between two redraws (the last one always draws). */
  throttleMs?: number;
}

export interface ProgressBar {
  /** Reports `done` of `total` and optional named numbers (loss, ...). */
  update(done: number, info?: Record<string, number | string>): void;
  /** Final redraw with the elapsed time. */
  finish(info?: Record<string, number | string>): void;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - 60 * m)).padStart(2, "0")}s`;
}

/** A progress bar that redraws in place: bar, count, ETA and any numbers given. */
export function progressBar(options: ProgressOptions): ProgressBar {
  if (!(options.total > 0)) throw new Error(`progressBar total must be positive, got ${options.total}`);
  const live = liveDisplay();
  const start = Date.now();
  const throttle = options.throttleMs ?? 250;
  let last = -Infinity;
  const draw = (done: number, info: Record<string, number | string>, final: boolean) => {
    const now = Date.now();
    if (!final && now - last < throttle) return;
    last = now;
    const frac = Math.min(1, Math.max(0, done / options.total));
    const elapsed = (now - start) / 1000;
    const eta = final ? `took ${formatDuration(elapsed)}` : `ETA ${formatDuration(done > 0 ? (elapsed / done) * (options.total - done) : NaN)}`;
    const extras = Object.entries(info).map(([k, v]) => `${k} ${formatValue(v, 4)}`).join("  ");
    const width = 30;
    const filled = Math.round(frac * width);
    const label = options.label ? `${options.label} ` : "";
    const text = `${label}[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${options.total}  ${eta}${extras ? "  " + extras : ""}`;
    const html =
      `<div class="tn-progress" style="font-family:monospace">${escapeHtml(label)}` +
      `<progress value="${done}" max="${options.total}" style="width:16em;vertical-align:middle"></progress> ` +
      `${done}/${options.total} &nbsp; ${escapeHtml(eta)} &nbsp; ${escapeHtml(extras)}</div>`;
    live.update({ "text/html": html, "text/plain": text });
  };
  return {
    update: (done, info = {}) => draw(done, info, done >= options.total),
    finish: (info = {}) => draw(options.total, info, true),
  };
}
