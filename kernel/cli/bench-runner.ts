/**
 * `npm run bench:runner`: what the runner itself costs.
 *
 * Runs a notebook of 20 trivial cells (`1 + 1` and the like) several times and
 * prints the kernel start-up time and the median time per cell, measured by
 * the runner around each execute request (send -> reply and idle). Prints one
 * JSON line at the end for the record.
 */
import * as fs from "fs";
import * as path from "path";
import { formatNumber } from "../format";
import { buildDir } from "../paths";
import { runNotebook } from "../runner";

const CELLS = 20;
const RUNS = Number(process.argv[2] ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main(): Promise<void> {
  const dir = path.join(buildDir(), "bench");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "trivial-cells.ipynb");
  const cells = Array.from({ length: CELLS }, (_, i) => ({
    cell_type: "code",
    metadata: {},
    execution_count: null,
    outputs: [],
    source: i % 2 ? `const v${i} = ${i} * 2;` : `${i} + 1`,
  }));
  fs.writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));

  const perCell: number[] = [];
  const starts: number[] = [];
  const totals: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const r = await runNotebook(file, { outDir: dir });
    if (r.status !== "ok") throw new Error(r.report);
    const cellTotal = r.cellSeconds.reduce((s, [, t]) => s + t, 0);
    // The first cell also pays for tslab's first compile: report it apart.
    perCell.push(...r.cellSeconds.slice(1).map(([, t]) => t * 1000));
    starts.push((r.seconds - cellTotal) * 1000);
    totals.push(r.seconds * 1000);
    process.stdout.write(
      `run ${run + 1}/${RUNS}: ${formatNumber(r.seconds, 3)} s total, first cell ${formatNumber(r.cellSeconds[0][1] * 1000, 3)} ms\n`,
    );
  }
  const result = {
    cells: CELLS,
    runs: RUNS,
    msPerCellMedian: Number(median(perCell).toFixed(2)),
    msPerCellMin: Number(Math.min(...perCell).toFixed(2)),
    msKernelStartAndShutdownMedian: Number(median(starts).toFixed(0)),
    msNotebookMedian: Number(median(totals).toFixed(0)),
  };
  process.stdout.write(
    `\nper trivial cell: median ${result.msPerCellMedian} ms (min ${result.msPerCellMin} ms) over ${perCell.length} cells\n` +
      `kernel start + shutdown: median ${result.msKernelStartAndShutdownMedian} ms; whole notebook: median ${result.msNotebookMedian} ms\n` +
      JSON.stringify(result) +
      "\n",
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
