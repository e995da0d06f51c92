/**
 * The handout exporter: an executed nbformat 4 notebook -> ONE self-contained
 * HTML page, readable on screen and on paper, that opens offline from the file
 * system (file://) without a single network request or external file.
 *
 * Design
 * - One page, everything inlined. Styles are an inline <style>; math is
 *   rendered here, server-side, with KaTeX, and its stylesheet is inlined with
 *   the woff2 fonts as base64 data: URIs (the woff/ttf fallbacks are dropped);
 *   plotly.js is inlined as a <script> in the head; images become data: URIs.
 * - Inlined once, and only when used. The cells are rendered first, into a
 *   PageState that records whether any math was typeset and how many plots
 *   were drawn; the head then carries the KaTeX CSS only if there was math and
 *   the plotly.js library (about 5 MB) only if there was a plot, each once.
 * - Math is protected from markdown by a markdown-it plugin: `$...$`, `\(...\)`
 *   (inline) and `$$...$$`, `\[...\]` (display) become math tokens while the
 *   text is parsed, before the escape/emphasis rules can see the TeX, so `a_i`
 *   or `x*y` never turn into <em>. Because the plugin runs inside markdown-it,
 *   code spans and code blocks are recognised by markdown-it itself, so a `$`
 *   in code stays literal; `\$` is markdown's escaped (literal) dollar.
 * - One output bundle (display_data / execute_result) shows ONE mime type, the
 *   first usable one in MIME_PRIORITY: plotly figure, published figures table,
 *   text/html, SVG, PNG/JPEG, LaTeX, markdown, plain text. When a bundle has a
 *   plotly figure its text/html is never used: the kernel's HTML for a plot
 *   embeds its own copy of plotly.js.
 * - Inlined JS and JSON are made safe for a <script> element (`</script` and
 *   `<!--` cannot end or confuse it); every other text is HTML-escaped, except
 *   text/html and SVG outputs and markdown's own HTML, which are the
 *   notebook's and inserted as they are.
 * - Cell tags (jupyter-book convention): "remove-cell" drops a cell,
 *   "remove-input" its source, "remove-output" its outputs.
 */
import * as fs from "fs";
import * as path from "path";
import katex from "katex";
import MarkdownIt from "markdown-it";
import { escapeHtml, formatNumber as formatWithDigits, scriptJson, stripAnsi } from "./format";
import { PLOTLY_CONFIG, plotlyLibrarySource } from "./plotly";
import {
  FIGURES_MIME,
  OUTPUT_ROLE_KEY,
  PLOTLY_LIBRARY_ROLE,
  PLOTLY_MIME,
  joinSource,
  type Cell,
  type CodeCell,
  type ErrorOutput,
  type MimeBundle,
  type Notebook,
  type Output,
  type StreamOutput,
} from "./nbformat";

export interface HandoutOptions {
  /** Page title; default: the notebook's first "# heading", else sourceName. */
  title?: string;
  /** The notebook's file name, e.g. "00-overview.ipynb", shown in the header. */
  sourceName: string;
  /** Link back to the index page, e.g. "index.html". */
  indexHref?: string;
  prev?: { href: string; title: string };
  next?: { href: string; title: string };
}

export interface IndexEntry {
  href: string;
  title: string;
  sourceName: string;
  status: "ok" | "failed";
  seconds?: number;
  cells?: number;
}

/** What the rendered cells used, so the head inlines only what is needed. */
interface PageState {
  math: boolean;
  plots: number;
}

/** The env markdown-it passes to its render rules. */
type MarkdownEnv = {
  page: PageState;
  attachments?: Record<string, MimeBundle>;
};

// ---------------------------------------------------------------------------
// Escaping and small helpers


/** Applies carriage returns the way a terminal shows them (progress bars). */
function applyCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  return text
    .replace(/\r+\n/g, "\n")
    .split("\n")
    .map((line) => line.split("\r").reduce((shown, overwrite) => overwrite + shown.slice(overwrite.length)))
    .join("\n");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A text mime value: a string or nbformat's list of lines; null otherwise. */
function mimeText(data: unknown): string | null {
  if (typeof data === "string") return data;
  if (Array.isArray(data) && data.every((line) => typeof line === "string")) return data.join("");
  return null;
}

/** A JSON mime value: normally the value itself, but a JSON string is accepted. */
function mimeJson(data: unknown): unknown {
  const text = mimeText(data);
  if (text === null) return data;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// Inlined assets, read once per process

let katexCssCache: string | undefined;

/**
 * KaTeX's stylesheet with each @font-face reduced to its woff2 font, inlined as
 * a data: URI. Fails loudly if a font would still be an external reference.
 */
function katexCss(): string {
  if (katexCssCache !== undefined) return katexCssCache;
  const cssFile = require.resolve("katex/dist/katex.min.css");
  const css = fs.readFileSync(cssFile, "utf8").replace(/src:([^;}]*)/g, (declaration, sources: string) => {
    const woff2 = /url\(\s*["']?([^"')]+\.woff2)["']?\s*\)/.exec(sources);
    if (!woff2) return declaration;
    const font = fs.readFileSync(path.join(path.dirname(cssFile), woff2[1])).toString("base64");
    return `src:url(data:font/woff2;base64,${font}) format("woff2")`;
  });
  const external = /url\(\s*["']?(?!data:)[^)]*\)/.exec(css);
  if (external) throw new Error(`KaTeX CSS still references ${external[0]}`);
  katexCssCache = css;
  return css;
}


// ---------------------------------------------------------------------------
// Code highlighting (a small TypeScript tokenizer, good enough for handouts)

const TS_KEYWORDS = new Set(
  (
    "abstract as async await break case catch class const continue declare default delete do else enum export " +
    "extends false finally for from function if implements import in instanceof interface keyof let new null of " +
    "private protected public readonly return satisfies static super switch this throw true try type typeof " +
    "undefined var void while yield"
  ).split(" "),
);

const TS_TOKEN = new RegExp(
  [
    /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)/.source, // 1: comment
    /("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\[\s\S])*`)/.source, // 2: string
    /(\b0[xX][\da-fA-F_]+n?\b|\b\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?n?\b)/.source, // 3: number
    /([A-Za-z_$][\w$]*)/.source, // 4: word
  ].join("|"),
  "g",
);

/** HTML-escaped TypeScript with <span class="tn-k|s|c|n"> around tokens. */
function highlightTypeScript(code: string): string {
  let html = "";
  let last = 0;
  for (const match of code.matchAll(TS_TOKEN)) {
    const [text, comment, str, num, word] = match;
    const index = match.index ?? 0;
    html += escapeHtml(code.slice(last, index));
    const kind = comment ? "c" : str ? "s" : num ? "n" : word && TS_KEYWORDS.has(word) ? "k" : "";
    html += kind ? `<span class="tn-${kind}">${escapeHtml(text)}</span>` : escapeHtml(text);
    last = index + text.length;
  }
  return html + escapeHtml(code.slice(last));
}

// ---------------------------------------------------------------------------
// Math

/** KaTeX HTML for `tex`; records on the page that the KaTeX CSS is needed. */
function renderTex(tex: string, display: boolean, page: PageState): string {
  page.math = true;
  try {
    return katex.renderToString(tex, { displayMode: display, throwOnError: false, strict: "ignore" });
  } catch (err) {
    return `<code class="tn-math-error" title="${escapeHtml((err as Error).message)}">${escapeHtml(tex)}</code>`;
  }
}

interface MathSpan {
  tex: string;
  display: boolean;
  /** Index just after the closing delimiter. */
  end: number;
}

/** The index of an unescaped `close` at or after `from` (before `max`), or -1. */
function findClosing(src: string, close: string, from: number, max: number): number {
  for (let i = from; i + close.length <= max; i++) {
    if (src.startsWith(close, i)) return i;
    if (src[i] === "\\") i++; // an escaped character, e.g. \$ or \\
  }
  return -1;
}

/** Index of a pandoc-style closing `$`: not after a space, not before a digit. */
function findInlineDollar(src: string, from: number, max: number): number {
  for (let i = from; i < max; i++) {
    const c = src[i];
    if (c === "\\") i++;
    else if (c === "`") return -1; // inline math never contains a code span
    else if (c === "$" && !/\s/.test(src[i - 1]) && !/\d/.test(src[i + 1] ?? "")) return i;
  }
  return -1;
}

/** The math span that starts at `pos`, if one does. */
function scanInlineMath(src: string, pos: number, max: number): MathSpan | null {
  const bracket = src.startsWith("\\(", pos) ? "\\)" : src.startsWith("\\[", pos) ? "\\]" : null;
  if (bracket) {
    const close = src.indexOf(bracket, pos + 2);
    if (close < 0 || close + 2 > max) return null;
    return { tex: src.slice(pos + 2, close), display: bracket === "\\]", end: close + 2 };
  }
  if (src[pos] !== "$") return null;
  if (src[pos + 1] === "$") {
    const close = findClosing(src, "$$", pos + 2, max);
    if (close < 0 || src.slice(pos + 2, close).trim() === "") return null;
    return { tex: src.slice(pos + 2, close), display: true, end: close + 2 };
  }
  if (pos + 1 >= max || /\s/.test(src[pos + 1])) return null;
  const close = findInlineDollar(src, pos + 1, max);
  if (close < 0) return null;
  return { tex: src.slice(pos + 1, close), display: false, end: close + 1 };
}

function mathInlineRule(state: MarkdownIt.StateInline, silent: boolean): boolean {
  const span = scanInlineMath(state.src, state.pos, state.posMax);
  if (!span) return false;
  if (!silent) {
    const token = state.push(span.display ? "math_display" : "math_inline", "math", 0);
    token.content = span.tex;
  }
  state.pos = span.end;
  return true;
}

/** One source line of a block, without its indentation. */
function blockLine(state: MarkdownIt.StateBlock, line: number): string {
  return state.src.slice(state.bMarks[line] + state.tShift[line], state.eMarks[line]);
}

/**
 * `$$` or `\[` opening a line starts display math up to the line that ends
 * with the closing delimiter; the lines between are TeX, never markdown (a
 * line "+ b" or "- c" inside an equation does not become a list).
 */
function mathBlockRule(state: MarkdownIt.StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine] - state.blkIndent >= 4) return false; // an indented code block
  const first = blockLine(state, startLine);
  const open = first.startsWith("$$") ? "$$" : first.startsWith("\\[") ? "\\[" : null;
  if (!open) return false;
  const close = open === "$$" ? "$$" : "\\]";
  const lines = [first.slice(2)];
  let line = startLine;
  for (;;) {
    const text = lines[lines.length - 1];
    const at = findClosing(text, close, 0, text.length);
    if (at >= 0) {
      if (text.slice(at + 2).trim() !== "") return false; // text after the math: leave it to the inline rule
      lines[lines.length - 1] = text.slice(0, at);
      break;
    }
    line++;
    if (line >= endLine || state.isEmpty(line) || state.sCount[line] < state.blkIndent) return false;
    lines.push(blockLine(state, line));
  }
  const tex = lines.join("\n").trim();
  if (tex === "") return false;
  if (silent) return true;
  const token = state.push("math_block", "math", 0);
  token.block = true;
  token.content = tex;
  token.map = [startLine, line + 1];
  state.line = line + 1;
  return true;
}

// ---------------------------------------------------------------------------
// Markdown

/** An <img> data: URI for the first image in a bundle, or null. */
function imageDataUri(bundle: MimeBundle): string | null {
  for (const mime of ["image/png", "image/jpeg", "image/gif", "image/webp"]) {
    const base64 = mimeText(bundle[mime])?.replace(/\s+/g, "");
    if (base64 && /^[A-Za-z0-9+/]+=*$/.test(base64)) return `data:${mime};base64,${base64}`;
  }
  const svg = mimeText(bundle["image/svg+xml"]);
  return svg ? `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` : null;
}

type Markdown = InstanceType<typeof MarkdownIt>;

function createMarkdown(): Markdown {
  const md = new MarkdownIt({ html: true, highlight: (code, lang) => (/^(ts|typescript|js|javascript)$/i.test(lang) ? highlightTypeScript(code) : "") });
  md.inline.ruler.before("escape", "math_inline", mathInlineRule);
  md.block.ruler.before("fence", "math_block", mathBlockRule, { alt: ["paragraph", "reference", "blockquote", "list"] });
  const env = (raw: unknown): MarkdownEnv => raw as MarkdownEnv;
  md.renderer.rules.math_inline = (tokens, idx, _options, raw) => renderTex(tokens[idx].content, false, env(raw).page);
  md.renderer.rules.math_display = (tokens, idx, _options, raw) => renderTex(tokens[idx].content, true, env(raw).page);
  md.renderer.rules.math_block = (tokens, idx, _options, raw) =>
    `<div class="tn-display-math">${renderTex(tokens[idx].content, true, env(raw).page)}</div>\n`;
  const image = md.renderer.rules.image;
  md.renderer.rules.image = (tokens, idx, options, raw, self) => {
    const token = tokens[idx];
    const src = String(token.attrGet("src") ?? "");
    const bundle = src.startsWith("attachment:") ? env(raw).attachments?.[decodeURIComponent(src.slice(11))] : undefined;
    const uri = bundle && imageDataUri(bundle);
    if (uri) token.attrSet("src", uri);
    return image ? image(tokens, idx, options, raw, self) : self.renderToken(tokens, idx, options);
  };
  return md;
}

const markdown = createMarkdown();

function renderMarkdown(source: string, page: PageState, attachments?: Record<string, MimeBundle>): string {
  const env: MarkdownEnv = { page, attachments };
  return markdown.render(source, env);
}

/**
 * The notebook's title: the text of the first level-1 heading ("# Title") in
 * a markdown cell (code spans and math kept as their source), else `fallback`.
 */
export function notebookTitle(nb: Notebook, fallback: string): string {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const tokens = markdown.parse(joinSource(cell.source), {});
    const open = tokens.findIndex((t) => t.type === "heading_open" && t.tag === "h1");
    const inline = open >= 0 ? tokens[open + 1] : undefined;
    const text = (inline?.children ?? [])
      .map((t) => (t.type === "math_inline" ? `$${t.content}$` : t.type === "text" || t.type === "code_inline" ? t.content : ""))
      .join("")
      .trim();
    if (text) return text;
  }
  return fallback;
}

// ---------------------------------------------------------------------------
// Outputs

type MimeRenderer = (data: unknown, page: PageState) => string | null;

function renderPlotly(data: unknown, page: PageState): string | null {
  const figure = mimeJson(data);
  if (!isRecord(figure) || !Array.isArray(figure.data)) return null;
  page.plots++;
  const id = `tn-plot-${page.plots}`;
  const layout = isRecord(figure.layout) ? figure.layout : {};
  const config = { ...PLOTLY_CONFIG, ...(isRecord(figure.config) ? figure.config : {}) };
  const script =
    `(function(){var el=document.getElementById(${scriptJson(id)});` +
    `if(!window.Plotly){el.textContent="(plot unavailable: plotly.js did not load)";return;}` +
    `Plotly.newPlot(el,${scriptJson({ data: figure.data, layout, config, frames: Array.isArray(figure.frames) ? figure.frames : [] })});})();`;
  return `<div class="tn-plot" id="${id}"></div>\n<script>${script}</script>`;
}

/** A published number in at most 6 significant digits (integers in full). */
export function formatNumber(n: number): string {
  return formatWithDigits(n, 6);
}

const MAX_ITEMS = 8;

/** A compact one-line rendering of a published value. */
function formatValue(value: unknown): string {
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    const shown = value.slice(0, MAX_ITEMS).map(formatValue);
    if (value.length > MAX_ITEMS) shown.push(`… (${value.length} items)`);
    return `[${shown.join(", ")}]`;
  }
  if (isRecord(value)) return `{${Object.entries(value).map(([k, v]) => `${k}: ${formatValue(v)}`).join(", ")}}`;
  return String(value);
}

/** Name -> value rows; nested objects become dotted names ("attention.heads"). */
function figureRows(values: Record<string, unknown>, prefix = ""): Array<[string, string]> {
  return Object.entries(values).flatMap(([name, value]): Array<[string, string]> =>
    isRecord(value) && Object.keys(value).length > 0 ? figureRows(value, `${prefix}${name}.`) : [[prefix + name, formatValue(value)]],
  );
}

function renderFigures(data: unknown): string | null {
  const figures = mimeJson(data);
  if (!isRecord(figures)) return null;
  const rows = figureRows(figures)
    .map(([name, value]) => `<tr><th scope="row"><code>${escapeHtml(name)}</code></th><td>${escapeHtml(value)}</td></tr>`)
    .join("");
  return `<table class="tn-figures"><caption>Published figures</caption><tbody>${rows}</tbody></table>`;
}

function renderImage(mime: string): MimeRenderer {
  return (data) => {
    const uri = imageDataUri({ [mime]: data });
    return uri ? `<img class="tn-image" alt="output image" src="${uri}">` : null;
  };
}

function renderSvg(data: unknown): string | null {
  const svg = mimeText(data);
  return svg === null ? null : `<div class="tn-svg">${svg.replace(/^\s*<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*/gi, "")}</div>`;
}

function renderLatex(data: unknown, page: PageState): string | null {
  const latex = mimeText(data);
  if (latex === null) return null;
  const tex = latex.trim().replace(/^\$\$([\s\S]*)\$\$$|^\$([\s\S]*)\$$|^\\\[([\s\S]*)\\\]$/, (_m, a?: string, b?: string, c?: string) => a ?? b ?? c ?? "");
  return renderTex(tex, true, page);
}

function renderPlain(data: unknown): string | null {
  const text = mimeText(data);
  return text === null ? null : `<pre class="tn-text">${escapeHtml(applyCarriageReturns(stripAnsi(text)))}</pre>`;
}

/** The mime types an output bundle is shown as, best first. */
const MIME_PRIORITY: Array<[string, MimeRenderer]> = [
  [PLOTLY_MIME, renderPlotly],
  [FIGURES_MIME, renderFigures],
  ["text/html", (data) => mimeText(data)],
  ["image/svg+xml", renderSvg],
  ["image/png", renderImage("image/png")],
  ["image/jpeg", renderImage("image/jpeg")],
  ["text/latex", renderLatex],
  ["text/markdown", (data, page) => {
    const text = mimeText(data);
    return text === null ? null : renderMarkdown(text, page);
  }],
  ["text/plain", renderPlain],
];

/** A bundle as its first usable mime type; a plotly bundle's text/html is never used. */
function renderBundle(bundle: MimeBundle, page: PageState): string {
  const hasPlot = bundle[PLOTLY_MIME] !== undefined;
  for (const [mime, render] of MIME_PRIORITY) {
    if (bundle[mime] === undefined || (hasPlot && mime === "text/html")) continue;
    const html = render(bundle[mime], page);
    if (html !== null) return `<div class="tn-output tn-result">${html}</div>`;
  }
  return "";
}

function renderStream(output: StreamOutput): string {
  const text = applyCarriageReturns(stripAnsi(joinSource(output.text)));
  const name = output.name === "stderr" ? "stderr" : "stdout";
  return `<pre class="tn-output tn-stream tn-${name}">${escapeHtml(text)}</pre>`;
}

function renderError(output: ErrorOutput): string {
  const heading = `${output.ename}: ${output.evalue}`;
  const traceback = stripAnsi((output.traceback ?? []).join("\n")).trim();
  const text = traceback.includes(heading) ? traceback : [heading, traceback].filter(Boolean).join("\n");
  return `<pre class="tn-output error">${escapeHtml(text)}</pre>`;
}

/** Adjacent writes to the same stream, joined as Jupyter shows them. */
function mergeStreams(outputs: Output[]): Output[] {
  const merged: Output[] = [];
  for (const output of outputs) {
    const previous = merged[merged.length - 1];
    if (output.output_type === "stream" && previous?.output_type === "stream" && previous.name === output.name) {
      merged[merged.length - 1] = { ...previous, text: joinSource(previous.text) + joinSource(output.text) };
    } else {
      merged.push(output);
    }
  }
  return merged;
}

function renderOutput(output: Output, page: PageState): string {
  switch (output.output_type) {
    case "stream":
      return renderStream(output);
    case "error":
      return renderError(output);
    case "display_data":
    case "execute_result":
      // The kernel's output that only loads plotly.js: the page has its own copy.
      if (output.metadata?.[OUTPUT_ROLE_KEY] === PLOTLY_LIBRARY_ROLE) return "";
      return isRecord(output.data) ? renderBundle(output.data, page) : "";
    default:
      return "";
  }
}

// ---------------------------------------------------------------------------
// Cells

function cellTags(cell: Cell): Set<string> {
  const tags = cell.metadata?.tags;
  return new Set(Array.isArray(tags) ? tags.filter((t): t is string => typeof t === "string") : []);
}

function renderCodeCell(cell: CodeCell, tags: Set<string>, page: PageState): string {
  const source = joinSource(cell.source);
  const outputs = tags.has("remove-output") ? [] : mergeStreams(cell.outputs ?? []);
  const showInput = !tags.has("remove-input") && source.trim() !== "";
  if (!showInput && outputs.length === 0) return "";
  const count = cell.execution_count ?? " ";
  const input = showInput
    ? `<div class="tn-input"><div class="tn-prompt">[${count}]:</div>` +
      `<pre class="tn-source"><code class="language-typescript">${highlightTypeScript(source)}</code></pre></div>`
    : "";
  const rendered = outputs.map((o) => renderOutput(o, page)).join("\n");
  return `<section class="tn-cell tn-code">${input}${rendered ? `<div class="tn-outputs">${rendered}</div>` : ""}</section>`;
}

function renderCell(cell: Cell, page: PageState): string {
  const tags = cellTags(cell);
  if (tags.has("remove-cell")) return "";
  switch (cell.cell_type) {
    case "markdown":
      return `<section class="tn-cell tn-markdown">${renderMarkdown(joinSource(cell.source), page, cell.attachments)}</section>`;
    case "code":
      return renderCodeCell(cell, tags, page);
    case "raw":
      return `<section class="tn-cell tn-raw"><pre>${escapeHtml(joinSource(cell.source))}</pre></section>`;
    default:
      return "";
  }
}

// ---------------------------------------------------------------------------
// Page

const PAGE_CSS = `
:root{--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--code:#f6f8fa;--link:#0b57d0;--bad:#b42318;--bad-bg:#fdecec}
*{box-sizing:border-box}
body{margin:0;color:var(--fg);background:#fff;font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--link)}
.tn-bar,main{max-width:960px;margin:0 auto;padding:0 1.5rem}
.tn-bar{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem 1.5rem;padding-top:.8rem;padding-bottom:.8rem;font-size:.875rem;color:var(--muted)}
header.tn-bar{border-bottom:1px solid var(--line)}
footer.tn-bar{border-top:1px solid var(--line);margin-top:3rem}
.tn-nav{display:flex;flex-wrap:wrap;gap:1.2rem}
main{padding-top:1rem;padding-bottom:1rem}
h1,h2,h3,h4{line-height:1.25;margin:1.6em 0 .6em}
h1{font-size:2rem}h2{font-size:1.5rem;border-bottom:1px solid var(--line);padding-bottom:.2em}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.86rem}
:not(pre)>code{background:var(--code);padding:.1em .3em;border-radius:3px}
pre{margin:.4rem 0;padding:.6rem .8rem;overflow-x:auto;line-height:1.45;border-radius:4px}
.tn-markdown pre{background:var(--code);border:1px solid var(--line)}
blockquote{margin:1rem 0;padding:0 1rem;color:var(--muted);border-left:3px solid var(--line)}
table{border-collapse:collapse;margin:.8rem 0}
th,td{border:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
img,svg{max-width:100%}
.tn-cell{margin:.6rem 0}
.tn-input{display:flex;gap:.5rem}
.tn-prompt{flex:0 0 3.5rem;text-align:right;color:var(--muted);font:.8rem/1 ui-monospace,Menlo,Consolas,monospace;padding-top:.95rem}
.tn-source{flex:1;min-width:0;background:var(--code);border:1px solid var(--line)}
.tn-outputs{margin-left:4rem;min-width:0}
.tn-output{margin:.3rem 0;overflow-x:auto}
pre.tn-output,.tn-text{padding:.3rem .8rem}
.tn-stderr{background:var(--bad-bg)}
pre.error{background:var(--bad-bg);color:var(--bad);border-left:3px solid var(--bad)}
.tn-display-math{overflow-x:auto}
.tn-figures caption{text-align:left;font-weight:600;padding-bottom:.3rem}
.tn-figures td{font-variant-numeric:tabular-nums}
.tn-plot{width:100%}
.tn-k{color:#8250df}.tn-s{color:#0a3069}.tn-c{color:#6e7781;font-style:italic}.tn-n{color:#0550ae}
.tn-ok{color:#1a7f37;font-weight:600}.tn-failed{color:var(--bad);font-weight:600}
.tn-index td.tn-num{text-align:right;font-variant-numeric:tabular-nums}
@media (max-width:640px){.tn-prompt{display:none}.tn-outputs{margin-left:0}}
@media print{
body{font-size:11pt}.tn-nav{display:none}a{color:inherit}
pre{white-space:pre-wrap;overflow-wrap:anywhere;overflow:visible}
.tn-output,.tn-plot,.tn-display-math,table,img{break-inside:avoid}
h1,h2,h3{break-after:avoid}}
`;

function renderNav(options: Pick<HandoutOptions, "indexHref" | "prev" | "next">): string {
  const links: string[] = [];
  const link = (cls: string, href: string, text: string, rel = ""): string =>
    `<a class="${cls}"${rel ? ` rel="${rel}"` : ""} href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
  if (options.prev) links.push(link("tn-prev", options.prev.href, `← ${options.prev.title}`, "prev"));
  if (options.indexHref) links.push(link("tn-index-link", options.indexHref, "Index"));
  if (options.next) links.push(link("tn-next", options.next.href, `${options.next.title} →`, "next"));
  return links.length > 0 ? `<nav class="tn-nav">${links.join("")}</nav>` : "";
}

interface PageParts {
  title: string;
  head: string;
  header: string;
  main: string;
  footer: string;
}

function renderPage(parts: PageParts): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style>${PAGE_CSS}</style>`,
    parts.head,
    "</head>",
    "<body>",
    `<header class="tn-bar">${parts.header}</header>`,
    `<main>\n${parts.main}\n</main>`,
    `<footer class="tn-bar">${parts.footer}</footer>`,
    "</body>",
    "</html>",
  ]
    .filter((line) => line !== "")
    .join("\n")
    .concat("\n");
}

/** The handout: one self-contained HTML page for an executed notebook. */
export function exportHandout(nb: Notebook, options: HandoutOptions): string {
  const page: PageState = { math: false, plots: 0 };
  const cells = nb.cells.map((cell) => renderCell(cell, page)).filter((html) => html !== "");
  const head: string[] = [];
  if (page.math) head.push(`<style>${katexCss()}</style>`);
  if (page.plots > 0) head.push(`<script>${plotlyLibrarySource()}</script>`);
  const source = `<span class="tn-file">${escapeHtml(options.sourceName)}</span>`;
  const nav = renderNav(options);
  return renderPage({
    title: options.title ?? notebookTitle(nb, options.sourceName),
    head: head.join("\n"),
    header: source + nav,
    main: cells.join("\n"),
    footer: `<span>Exported from ${source}</span>${nav}`,
  });
}

function renderIndexRow(entry: IndexEntry, i: number): string {
  const seconds = entry.seconds === undefined ? "" : `${entry.seconds.toFixed(1)} s`;
  const cells = entry.cells === undefined ? "" : String(entry.cells);
  return (
    `<tr class="tn-entry"><td class="tn-num">${i + 1}</td>` +
    `<td><a href="${escapeHtml(entry.href)}">${escapeHtml(entry.title)}</a></td>` +
    `<td><code>${escapeHtml(entry.sourceName)}</code></td>` +
    `<td class="tn-${entry.status}">${entry.status}</td>` +
    `<td class="tn-num">${seconds}</td><td class="tn-num">${cells}</td></tr>`
  );
}

/** The index page: the notebooks in the given order, with links and status. */
export function exportIndex(entries: IndexEntry[], options: { title?: string } = {}): string {
  const title = options.title ?? "Transformer notebooks";
  const failed = entries.filter((e) => e.status === "failed").length;
  const summary = `${entries.length} notebook${entries.length === 1 ? "" : "s"}${failed > 0 ? `, ${failed} failed` : ", all ran"}`;
  const rows = entries.map(renderIndexRow).join("\n");
  const table =
    `<table class="tn-index"><thead><tr><th>#</th><th>Notebook</th><th>Source</th><th>Status</th><th>Time</th><th>Cells</th></tr></thead>` +
    `<tbody>\n${rows}\n</tbody></table>`;
  return renderPage({
    title,
    head: "",
    header: `<span>${escapeHtml(title)}</span>`,
    main: `<h1>${escapeHtml(title)}</h1>\n<p>${summary}</p>\n${table}`,
    footer: `<span>${summary}</span>`,
  });
}
