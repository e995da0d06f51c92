/**
 * Grouped bars: the same dimensions of a few vectors side by side, e.g. the
 * FFN's input and output per dimension (Step 6).
 */
import type { Figure, Trace } from "../figure";
import { plotlyText, uniqueLabels } from "./labels";

/** One group of bars: its legend name and one value per category. */
export interface BarGroup {
  name: string;
  values: number[];
}

/** Options for {@link beforeAfterBarFigure}. */
export interface BarChartOptions {
  /** One label per category; default "dim 0", "dim 1", ... (repeats get their position appended). */
  labels?: string[];
  /** Figure title; none by default. */
  title?: string;
  /** y axis title; default "value". */
  yTitle?: string;
}

/**
 * One bar trace per group, grouped per category (dimension), the group name in
 * the legend and on hover. Throws when there are no groups, the groups differ
 * in length or are empty, or the labels do not match.
 */
export function beforeAfterBarFigure(groups: BarGroup[], options: BarChartOptions = {}): Figure {
  if (groups.length === 0) throw new Error("bar chart needs at least one group");
  const n = groups[0].values.length;
  if (n === 0) throw new Error(`bar chart group ${groups[0].name} has no values`);
  groups.forEach((g) => {
    if (g.values.length !== n) throw new Error(`bar chart group ${g.name} has ${g.values.length} values, group ${groups[0].name} has ${n}`);
  });
  if (options.labels && options.labels.length !== n) throw new Error(`bar chart has ${n} values per group but ${options.labels.length} labels`);
  const labels = uniqueLabels(options.labels ?? Array.from({ length: n }, (_, i) => `dim ${i}`)).map(plotlyText);
  const data: Trace[] = groups.map((g) => ({
    type: "bar",
    name: plotlyText(g.name),
    x: labels,
    y: g.values,
    hovertemplate: `${plotlyText(g.name)}<br>%{x}: %{y:.5f}<extra></extra>`,
  }));
  return {
    data,
    layout: {
      title: options.title ? { text: plotlyText(options.title) } : undefined,
      barmode: "group",
      xaxis: { type: "category" },
      yaxis: { title: { text: options.yTitle ?? "value" }, zeroline: true },
      margin: { l: 70, r: 20, t: options.title ? 60 : 30, b: 60 },
      height: 360,
    },
  };
}
