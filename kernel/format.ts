/**
 * Numbers and tables formatted for reading: 0.62, not 0.6199999999999999.
 * Pure text functions; display.ts puts them on screen.
 */

/** Default significant digits for numbers shown in tables and figures. */
export const DEFAULT_DIGITS = 5;

/**
 * A number rounded to `digits` significant digits with trailing zeros dropped
 * (0.6199999999999999 -> "0.62", 1/3 -> "0.33333", 1e-9 -> "1e-9"); integers
 * print whole; NaN and infinities by name.
 */
export function formatNumber(x: number, digits: number = DEFAULT_DIGITS): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const rounded = Number(x.toPrecision(digits));
  if (rounded !== 0 && (Math.abs(rounded) < 1e-4 || Math.abs(rounded) >= 1e15)) {
    return rounded.toExponential().replace(/\.?0+e/, "e").replace("e+", "e");
  }
  return String(rounded === 0 ? 0 : rounded);
}

/** Any cell value as text: numbers via formatNumber, arrays as [a, b], the rest String(). */
export function formatValue(value: unknown, digits: number = DEFAULT_DIGITS): string {
  if (typeof value === "number") return formatNumber(value, digits);
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return `[${Array.from(value as ArrayLike<unknown>, (v) => formatValue(v, digits)).join(", ")}]`;
  }
  if (value === null || value === undefined) return "";
  return String(value);
}

export interface TableOptions {
  /** Column headers; for rows given as objects, also the order of the keys. */
  columns?: string[];
  /** Row labels, shown as a first column. */
  rowLabels?: string[];
  digits?: number;
  title?: string;
}

export interface Table {
  header: string[];
  rows: string[][];
  /** Which columns hold numbers (right-aligned). */
  numeric: boolean[];
  title?: string;
}

/** Normalises rows (arrays or objects) into a table of formatted strings. */
export function makeTable(rows: readonly (readonly unknown[] | Record<string, unknown>)[], options: TableOptions = {}): Table {
  const digits = options.digits ?? DEFAULT_DIGITS;
  const objectRows = rows.length > 0 && !Array.isArray(rows[0]);
  let columns = options.columns;
  if (!columns && objectRows) {
    columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  }
  const raw: unknown[][] = rows.map((r) =>
    Array.isArray(r) ? [...r] : (columns ?? []).map((c) => (r as Record<string, unknown>)[c]),
  );
  const width = Math.max(columns?.length ?? 0, ...raw.map((r) => r.length));
  if (options.rowLabels && options.rowLabels.length !== raw.length) {
    throw new Error(`table has ${raw.length} rows but ${options.rowLabels.length} row labels`);
  }
  const numeric = Array.from({ length: width }, (_, c) => raw.every((r) => r[c] === undefined || typeof r[c] === "number"));
  let header = columns ? [...columns] : [];
  while (header.length < width) header.push("");
  let body = raw.map((r) => Array.from({ length: width }, (_, c) => formatValue(r[c], digits)));
  if (options.rowLabels) {
    header = ["", ...header];
    body = body.map((r, i) => [options.rowLabels![i], ...r]);
    numeric.unshift(false);
  }
  return { header, rows: body, numeric, title: options.title };
}

/** The table as aligned monospace text. */
export function tableToText(table: Table): string {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (table.numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd();
  const hasHeader = table.header.some((h) => h !== "");
  const lines = hasHeader ? [line(table.header), widths.map((w) => "-".repeat(w)).join("  ")] : [];
  lines.push(...table.rows.map(line));
  return (table.title ? `${table.title}\n` : "") + lines.join("\n");
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe inside HTML elements and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** JSON that can sit inside a <script> element: no "<" can end it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * JS source that can sit inside a <script> element. `</script` would end the
 * element and `<!--` can switch the HTML parser into its escaped states; both
 * only occur inside string or regex literals, where `\x3C` is the same "<".
 */
export function scriptSafe(js: string): string {
  return js.replace(/<(\/script|!--)/gi, "\\x3C$1");
}

const ANSI_PATTERN = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g;

/** Removes ANSI terminal escape sequences (colours, cursor movement). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, "");
}

/** The table as an HTML <table>, numbers right-aligned. */
export function tableToHtml(table: Table): string {
  const align = (c: number) => (table.numeric[c] ? ' style="text-align:right"' : ' style="text-align:left"');
  const head = table.header.some((h) => h !== "")
    ? `<thead><tr>${table.header.map((h, c) => `<th${align(c)}>${escapeHtml(h)}</th>`).join("")}</tr></thead>`
    : "";
  const body = table.rows
    .map((r) => `<tr>${r.map((cell, c) => `<td${align(c)}>${escapeHtml(cell)}</td>`).join("")}</tr>`)
    .join("");
  const caption = table.title ? `<caption>${escapeHtml(table.title)}</caption>` : "";
  return `<table class="tn-table">${caption}${head}<tbody>${body}</tbody></table>`;
}
