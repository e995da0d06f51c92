/**
 * plotly.js for pages: the kernel inlines it once per session, the exporter
 * once per handout. It is read as text: `require("plotly.js-dist-min")` throws
 * in Node (the bundle expects a browser's `self`).
 */
import * as fs from "fs";
import { scriptSafe } from "./format";

let source: string | undefined;

/** The plotly.js bundle's source, made safe to inline in a <script> element. */
export function plotlyLibrarySource(): string {
  source ??= scriptSafe(fs.readFileSync(require.resolve("plotly.js-dist-min"), "utf8"));
  return source;
}

/** The plotly config every page starts from (a figure's own config goes on top): resizes with the page, no plotly logo. */
export const PLOTLY_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({ responsive: true, displaylogo: false });
