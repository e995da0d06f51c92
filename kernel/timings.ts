/**
 * How long the course takes: every notebook's time, and for each notebook
 * that trains a model the time of its training cells. `npm start` prints it
 * after its table, and the notebook tests print it when they finish.
 *
 * A training cell is a code cell with a top-level `await train(...)` (or a
 * call of a helper named train..., as notebook 09's `trainSymbolTask`): the
 * line starts the statement, unindented, so a helper's definition does not
 * count.
 */
import * as path from "path";
import { formatNumber } from "./format";
import type { NotebookResult } from "./runner";

const TRAINING_CALL = /^(?:(?:const|let|var)\s+[\w{}\s,]+=\s*)?await\s+train\w*\(/m;

/** [cell position (1-based), seconds] of each training cell that ran. */
export function trainingCells(result: NotebookResult): [number, number][] {
  const cells = result.notebook?.cells ?? [];
  return result.cellSeconds.filter(([cell]) => {
    const c = cells[cell - 1];
    if (!c || c.cell_type !== "code") return false;
    const source = Array.isArray(c.source) ? c.source.join("") : c.source;
    return TRAINING_CALL.test(source);
  });
}

/** Lines: the total over all notebooks, then one per training notebook. */
export function timingReport(results: NotebookResult[]): string {
  const total = results.reduce((sum, r) => sum + r.seconds, 0);
  const lines = [`all ${results.length} notebooks: ${formatNumber(total, 4)} s`];
  for (const r of results) {
    const cells = trainingCells(r);
    if (cells.length === 0) continue;
    const training = cells.reduce((sum, [, s]) => sum + s, 0);
    const each = cells.map(([cell, s]) => `cell ${cell} ${formatNumber(s, 3)} s`).join(", ");
    lines.push(`  ${path.basename(r.file)}: training cells ${each} (${formatNumber(training, 4)} s of ${formatNumber(r.seconds, 4)} s)`);
  }
  return lines.join("\n");
}
