/**
 * What a notebook imports as "transformer-notebooks": the whole library (src/)
 * plus the kernel's display helpers (show, showTable, tex, publish, ...).
 * src/ itself never imports kernel/; this file joins the two for cells.
 */
export * from "../src/index";
export * from "./display";
export * from "./training-monitor";
export { saveFigure, figureHtml, figureImage, type FigureFormat, type SaveFigureOptions } from "./figure-export";
export { formatNumber, formatValue } from "./format";
