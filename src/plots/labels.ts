/**
 * Labels for plot axes, hover text and point labels: tokens made unique and
 * safe for plotly's pseudo-HTML text.
 */

/**
 * Makes repeated labels unambiguous by appending the position to every
 * occurrence of a label that appears more than once:
 * `["the", "cat", "the"]` -> `["the (0)", "cat", "the (2)"]`. Labels that differ
 * only in case ("The", "the") are already distinct and kept as they are. A
 * result that would still collide with another label gets more "'" marks.
 */
export function uniqueLabels(labels: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const taken = new Set(labels.filter((l) => counts.get(l) === 1));
  return labels.map((l, i) => {
    if (counts.get(l) === 1) return l;
    let candidate = `${l} (${i})`;
    while (taken.has(candidate)) candidate += "'";
    taken.add(candidate);
    return candidate;
  });
}

/**
 * Escapes text for plotly, which reads labels as a small subset of HTML: a
 * token such as `<s>` or `a&b` would otherwise be taken as markup.
 */
export function plotlyText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Throws unless every row of m has the same length; returns [rows, columns]. */
export function checkRectangular(m: readonly (readonly number[])[], what: string): [number, number] {
  const cols = m.length > 0 ? m[0].length : 0;
  m.forEach((row, i) => {
    if (row.length !== cols) throw new Error(`${what}: row ${i} has ${row.length} values, row 0 has ${cols}`);
  });
  return [m.length, cols];
}

/**
 * The sequential colour scale of every weight map: white for 0 up to dark blue
 * for the largest value (plotly's named "Blues" runs the other way, dark for
 * low values, which makes an attention map read backwards).
 */
export const WEIGHT_COLORSCALE: [number, string][] = [
  [0, "#f7fbff"],
  [0.25, "#c6dbef"],
  [0.5, "#6baed6"],
  [0.75, "#2171b5"],
  [1, "#08306b"],
];

/** 0, 1, ..., n - 1: the numeric positions plots use for axes and rows. */
export function indices(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
