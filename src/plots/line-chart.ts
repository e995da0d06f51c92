/**
 * Line charts of numbers against the step: training curves (loss per step,
 * several runs overlaid) and schedules (the learning rate). A linear/log
 * toggle on the y axis is part of the figure, so it works in the handout too.
 */
import type { Figure, Trace } from "../figure";
import { plotlyText } from "./labels";

/** One line: `y[i]` at step `x[i]` (default x = 1, 2, 3, ...). */
export interface LineSeries {
  name: string;
  y: readonly number[];
  x?: readonly number[];
  /** Draw dots instead of a line (for a few evaluation points). */
  markers?: boolean;
}

export interface LineChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Start with a log y axis (the toggle switches). Default false. */
  logY?: boolean;
  height?: number;
}

/** Several lines in one figure, with a linear/log button pair for the y axis. */
export function lineChartFigure(series: readonly LineSeries[], options: LineChartOptions = {}): Figure {
  if (series.length === 0) throw new Error("a line chart needs at least one series");
  const data: Trace[] = series.map((s) => {
    if (s.y.length === 0) throw new Error(`series "${s.name}" is empty`);
    if (s.x && s.x.length !== s.y.length) throw new Error(`series "${s.name}" has ${s.x.length} x values for ${s.y.length} y values`);
    const name = plotlyText(s.name);
    return {
      type: "scatter",
      mode: s.markers ? "markers" : "lines",
      name,
      x: s.x ? [...s.x] : s.y.map((_, i) => i + 1),
      y: [...s.y],
      hovertemplate: `${name}<br>%{x}: %{y:.5g}<extra></extra>`,
    };
  });
  const yTitle = { text: plotlyText(options.yTitle ?? "value") };
  return {
    data,
    layout: {
      title: options.title ? { text: plotlyText(options.title) } : undefined,
      xaxis: { title: { text: plotlyText(options.xTitle ?? "step") } },
      yaxis: { title: yTitle, type: options.logY ? "log" : "linear" },
      updatemenus: [
        {
          type: "buttons",
          direction: "left",
          x: 1,
          xanchor: "right",
          y: 1.15,
          yanchor: "top",
          buttons: [
            { label: "linear", method: "relayout", args: ["yaxis.type", "linear"] },
            { label: "log", method: "relayout", args: ["yaxis.type", "log"] },
          ],
        },
      ],
      margin: { l: 70, r: 20, t: 70, b: 60 },
      height: options.height ?? 360,
    },
  };
}

/** The mean of each window of `size` values (the last window may be shorter): a readable loss curve. */
export function movingAverage(values: readonly number[], size: number): number[] {
  if (!Number.isInteger(size) || size <= 0) throw new Error(`moving average window must be a positive integer, got ${size}`);
  let sum = 0;
  return values.map((v, i) => {
    sum += v;
    if (i >= size) sum -= values[i - size];
    return sum / Math.min(i + 1, size);
  });
}
