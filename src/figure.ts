/**
 * The figure type every plot builder in the library returns: a plain plotly
 * figure object. Builders are pure; only the kernel's `show()` draws one.
 */

/** One plotly trace, e.g. `{ type: "heatmap", z: [[...]] }`. */
export type Trace = Record<string, unknown>;

export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
  config?: Record<string, unknown>;
  /** Animation frames (`{ name, data }`), played by a button or slider in the layout. */
  frames?: Record<string, unknown>[];
}
