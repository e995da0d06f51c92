/**
 * `npm start [-- SELECTION...] [--timeout SECONDS]`: the main job.
 *
 * Runs every notebook in notebooks/ in order (or those whose file name starts
 * with a given prefix, e.g. `03`, or given paths), then writes
 *   build/notebooks/NN-x.ipynb   the executed notebooks
 *   build/handouts/NN-x.html     one self-contained page each, + index.html
 *   build/figures.json           each notebook's published figures, by name
 * and ends with a summary table. Exit code 1 if any notebook failed.
 * `--out DIR` writes there instead of build/; `--timeout S` sets the per-cell limit.
 */
import * as fs from "fs";
import * as path from "path";
import { killAllKernels } from "../client";
import { exportHandout, exportIndex, notebookTitle, type IndexEntry } from "../export";
import { formatNumber, makeTable, tableToText } from "../format";
import { writeFileAtomic } from "../nbformat";
import { buildDir, projectRoot } from "../paths";
import { timingReport } from "../timings";
import { runNotebook, type NotebookResult, DEFAULT_CELL_TIMEOUT_MS } from "../runner";
import { selectNotebooks } from "../select";

/** Cells slower than this are named in non-terminal output. */
const LONG_CELL_SECONDS = 5;

interface Args {
  selection: string[];
  cellTimeoutMs: number;
  outDir: string;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm start [-- [NN | path.ipynb]... [--timeout SECONDS] [--out DIR]]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { selection: [], cellTimeoutMs: DEFAULT_CELL_TIMEOUT_MS, outDir: buildDir() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--timeout") {
      const s = Number(argv[++i]);
      if (!(s > 0)) usage(`--timeout takes a number of seconds, got ${argv[i]}`);
      args.cellTimeoutMs = s * 1000;
    } else if (a === "--out") {
      if (!argv[i + 1]) usage("--out takes a folder");
      args.outDir = path.resolve(argv[++i]);
    } else if (a === "--help" || a === "-h") usage("Runs the course notebooks and writes build/.");
    else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else args.selection.push(a);
  }
  return args;
}

function summary(results: NotebookResult[]): string {
  const rows = results.map((r) => [path.basename(r.file), r.codeCells, Number(r.seconds.toFixed(2)), r.status === "ok" ? "ok" : "FAILED"]);
  const total = results.reduce((sum, r) => sum + r.seconds, 0);
  return `${tableToText(makeTable(rows, { columns: ["notebook", "cells", "seconds", "status"] }))}\ntotal ${formatNumber(total, 3)} s\n\n${timingReport(results)}`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  let files: string[];
  try {
    files = selectNotebooks(args.selection);
  } catch (err) {
    usage((err as Error).message);
  }
  if (files.length === 0) {
    process.stderr.write("no notebooks found in notebooks/\n");
    return 1;
  }
  const out = args.outDir;
  const tty = process.stdout.isTTY;
  const results: NotebookResult[] = [];
  for (const [n, file] of files.entries()) {
    const label = `[${n + 1}/${files.length}] ${path.relative(projectRoot(), file)}`;
    process.stdout.write(`${label} ...${tty ? "" : "\n"}`);
    const result = await runNotebook(file, {
      cellTimeoutMs: args.cellTimeoutMs,
      outDir: path.join(out, "notebooks"),
      displayName: path.relative(process.cwd(), file),
      onCell: ({ codeCell, codeCells }) => {
        if (tty) process.stdout.write(`\r\u001b[K${label} cell ${codeCell}/${codeCells}`);
      },
      onCellDone: ({ cell, codeCell, codeCells, seconds }) => {
        // In a log (no terminal), say which cells take long, so a slow run is visible.
        if (!tty && seconds >= LONG_CELL_SECONDS) {
          process.stdout.write(`  cell ${cell} (code cell ${codeCell}/${codeCells}) took ${formatNumber(seconds, 3)} s\n`);
        }
      },
    });
    if (tty) process.stdout.write(`\r\u001b[K`);
    process.stdout.write(`${label} ${result.status === "ok" ? "ok" : "FAILED"} in ${formatNumber(result.seconds, 3)} s\n`);
    if (result.report) process.stderr.write(`${result.report}\n`);
    results.push(result);
  }

  // Handouts: one page per executed notebook, an index over all of them.
  const handouts = path.join(out, "handouts");
  const entries: IndexEntry[] = results.map((r) => {
    const base = path.basename(r.file, ".ipynb");
    return {
      href: `${base}.html`,
      title: r.notebook ? notebookTitle(r.notebook, base) : base,
      sourceName: path.basename(r.file),
      status: r.status,
      seconds: r.seconds,
      cells: r.codeCells,
    };
  });
  results.forEach((r, i) => {
    if (!r.notebook) return;
    writeFileAtomic(
      path.join(handouts, entries[i].href),
      exportHandout(r.notebook, {
        title: entries[i].title,
        sourceName: entries[i].sourceName,
        indexHref: "index.html",
        prev: i > 0 ? { href: entries[i - 1].href, title: entries[i - 1].title } : undefined,
        next: i + 1 < entries.length ? { href: entries[i + 1].href, title: entries[i + 1].title } : undefined,
      }),
    );
  });
  writeFileAtomic(path.join(handouts, "index.html"), exportIndex(entries, { title: "transformer-notebooks" }));

  // figures.json: merged with what is there, so a subset run keeps the others.
  const figuresFile = path.join(out, "figures.json");
  let figures: Record<string, unknown> = {};
  try {
    figures = JSON.parse(fs.readFileSync(figuresFile, "utf8")) as Record<string, unknown>;
  } catch {
    figures = {};
  }
  for (const r of results) figures[path.basename(r.file, ".ipynb")] = r.figures;
  const sorted = Object.fromEntries(Object.keys(figures).sort().map((k) => [k, figures[k]]));
  writeFileAtomic(figuresFile, JSON.stringify(sorted, null, 2) + "\n");

  process.stdout.write(`\n${summary(results)}\n\n`);
  process.stdout.write(`executed notebooks: ${path.relative(process.cwd(), path.join(out, "notebooks"))}/\n`);
  process.stdout.write(`handouts:           ${path.relative(process.cwd(), path.join(handouts, "index.html"))}\n`);
  process.stdout.write(`figures:            ${path.relative(process.cwd(), figuresFile)}\n`);
  return results.every((r) => r.status === "ok") ? 0 : 1;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    killAllKernels();
    process.stderr.write(`\nstopped (${signal}); the kernels were shut down, finished outputs are in build/\n`);
    process.exit(130);
  });
}
process.on("exit", killAllKernels);

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    killAllKernels();
    process.exit(1);
  },
);
