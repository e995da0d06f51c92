/**
 * The headless runner: executes a notebook's code cells in order on the
 * project's kernel and records what Jupyter would (streams, displays and their
 * in-place updates, results, errors, execution counts) into an executed copy.
 *
 * - The source notebook is never touched unless `inPlace` is asked for; the
 *   executed copy is written atomically (nbformat.writeFileAtomic).
 * - A failing cell stops the notebook; the error is recorded as an `error`
 *   output and reported as `FILE: cell K, line L: message` (K counts every cell,
 *   markdown included, from 1; L is the line inside that cell).
 * - A cell past its timeout is interrupted and the kernel killed; a kernel that
 *   dies ends the run with its exit status; the kernel never outlives the run.
 */
import * as path from "path";
import { KernelClient, KernelDiedError, type IopubMessage } from "./client";
import { installKernelSpec, KERNEL_DISPLAY_NAME, KERNEL_NAME, readKernelSpec, type KernelSpec } from "./kernelspec";
import {
  FIGURES_MIME,
  joinSource,
  readNotebook,
  serializeNotebook,
  splitLines,
  writeFileAtomic,
  type CodeCell,
  type ErrorOutput,
  type Notebook,
  type Output,
  type StreamOutput,
} from "./nbformat";
import { stripAnsi } from "./format";
import { buildDir } from "./paths";

/** Default per-cell timeout: generous, training cells take minutes. */
export const DEFAULT_CELL_TIMEOUT_MS = 20 * 60 * 1000;
/** Default cap on the stream text kept per cell (the rest is counted, not kept). */
export const DEFAULT_MAX_STREAM_CHARS = 1024 * 1024;

export interface RunOptions {
  /** Per-cell timeout in milliseconds. */
  cellTimeoutMs?: number;
  /** Folder for the executed copy; default build/notebooks. */
  outDir?: string;
  /** Write the executed notebook over the source instead (explicit opt-in). */
  inPlace?: boolean;
  /** Characters of stdout/stderr kept per cell. */
  maxStreamChars?: number;
  /** Kernelspec to start; default the project's own. */
  spec?: KernelSpec;
  /** Progress: called before each code cell runs. */
  onCell?: (event: { cell: number; codeCell: number; codeCells: number }) => void;
  /** Progress: called after each code cell ran, with its time. */
  onCellDone?: (event: { cell: number; codeCell: number; codeCells: number; seconds: number }) => void;
  /** Name used in messages (default: the path relative to the current folder). */
  displayName?: string;
}

export interface CellFailure {
  /** 1-based position of the cell in the notebook, markdown cells included. */
  cell: number;
  /** 1-based line in the cell, when known. */
  line?: number;
  message: string;
  kind: "error" | "timeout" | "kernel-died" | "format" | "figures";
}

export interface NotebookResult {
  file: string;
  /** Where the executed copy was written (undefined if the file could not be read). */
  outFile?: string;
  status: "ok" | "failed";
  codeCells: number;
  executedCells: number;
  seconds: number;
  /** Per code cell that ran: [cell position, seconds]. */
  cellSeconds: [number, number][];
  figures: Record<string, unknown>;
  failure?: CellFailure;
  /** The one-line report, `FILE: cell K, line L: message`, when failed. */
  report?: string;
  notebook?: Notebook;
}

// ------------------------------------------------------------------ outputs

/** Collects one cell's outputs from iopub messages, as Jupyter's front ends do. */
export class OutputCollector {
  readonly outputs: Output[] = [];
  private streamChars = 0;
  private droppedChars = 0;
  private clearPending = false;

  constructor(
    private readonly maxStreamChars: number,
    private readonly displays: Map<string, { data: Record<string, unknown>; metadata: Record<string, unknown> }[]>,
    private readonly executionCount: () => number | null,
  ) {}

  private maybeClear(): void {
    if (this.clearPending) {
      this.outputs.length = 0;
      this.clearPending = false;
    }
  }

  add(msg: IopubMessage): void {
    const c = msg.content;
    switch (msg.header.msg_type) {
      case "stream":
        this.maybeClear();
        this.addStream(c.name === "stderr" ? "stderr" : "stdout", String(c.text ?? ""));
        break;
      case "display_data":
      case "execute_result": {
        this.maybeClear();
        const out = {
          data: { ...(c.data as Record<string, unknown>) },
          metadata: { ...((c.metadata as Record<string, unknown>) ?? {}) },
        };
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        if (id) this.displays.set(id, [...(this.displays.get(id) ?? []), out]);
        this.outputs.push(
          msg.header.msg_type === "display_data"
            ? { output_type: "display_data", ...out }
            : { output_type: "execute_result", execution_count: this.executionCount(), ...out },
        );
        break;
      }
      case "update_display_data": {
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        for (const target of (id && this.displays.get(id)) || []) {
          // Replace in place: the executed notebook keeps the last state.
          for (const k of Object.keys(target.data)) delete target.data[k];
          Object.assign(target.data, c.data as Record<string, unknown>);
          for (const k of Object.keys(target.metadata)) delete target.metadata[k];
          Object.assign(target.metadata, (c.metadata as Record<string, unknown>) ?? {});
        }
        break;
      }
      case "error":
        this.maybeClear();
        this.outputs.push({
          output_type: "error",
          ename: String(c.ename ?? "Error"),
          evalue: String(c.evalue ?? ""),
          traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
        });
        break;
      case "clear_output":
        if (c.wait) this.clearPending = true;
        else this.outputs.length = 0;
        break;
      default:
        break; // execute_input, comm messages: nothing to record
    }
  }

  private addStream(name: "stdout" | "stderr", text: string): void {
    const room = Math.max(0, this.maxStreamChars - this.streamChars);
    if (text.length > room) {
      this.droppedChars += text.length - room;
      text = text.slice(0, room);
    }
    if (text === "") return;
    this.streamChars += text.length;
    const last = this.outputs[this.outputs.length - 1];
    if (last && last.output_type === "stream" && last.name === name) last.text = joinSource(last.text) + text;
    else this.outputs.push({ output_type: "stream", name, text });
  }

  /** Removes and returns all stderr text (tslab's error report goes there). */
  takeStderr(): string {
    let text = "";
    for (let i = this.outputs.length - 1; i >= 0; i--) {
      const o = this.outputs[i];
      if (o.output_type === "stream" && o.name === "stderr") {
        text = joinSource(o.text) + text;
        this.outputs.splice(i, 1);
      }
    }
    return text;
  }

  /** Final outputs: streams as nbformat line lists, a note if output was dropped. */
  finish(): Output[] {
    if (this.droppedChars > 0) {
      this.outputs.push({
        output_type: "stream",
        name: "stderr",
        text: `[runner: ${this.droppedChars} more characters of output were dropped; the limit is ${this.maxStreamChars} per cell]\n`,
      });
    }
    return this.outputs.map((o) => (o.output_type === "stream" ? ({ ...o, text: splitLines(joinSource(o.text)) } as StreamOutput) : o));
  }
}

// ------------------------------------------------------------------ errors

/**
 * Turns tslab's stderr report of a failed cell into an nbformat error and the
 * cell line it points at. tslab reports compile errors as `L:C - message` (L in
 * the cell) and runtime errors as Node prints them, with the failing statement
 * quoted from the compiled JavaScript: that statement is looked up in the cell.
 */
export function parseCellError(stderr: string, source: string): { error: ErrorOutput; line?: number; message: string } {
  const text = stripAnsi(stderr).replace(/\s+$/, "");
  const lines = text.split("\n");
  const traceback = lines.length ? lines : ["(the kernel reported an error without a message)"];
  const diag = /^(?:\S+\.ts )?(\d+):(\d+) - (.*)$/.exec(lines[0] ?? "");
  if (diag) {
    const message = diag[3];
    return { error: { output_type: "error", ename: "TSError", evalue: message, traceback }, line: Number(diag[1]), message };
  }
  const errorLine = lines.find((l) => /^(?:[A-Za-z_$][\w$.]*)?(?:Error|Exception)\b[^:]*:/.test(l) || /^Uncaught\b/.test(l));
  const headline = errorLine ?? lines.find((l) => l.trim() !== "") ?? "Error";
  const m = /^([^:\s]+):\s?(.*)$/.exec(headline);
  const ename = m ? m[1] : "Error";
  const evalue = m ? m[2] : headline;
  let line: number | undefined;
  const at = /evalmachine\.<anonymous>:(\d+)/.exec(text);
  if (at) {
    const compiledLine = Number(at[1]);
    // Node quotes the failing line right after the "evalmachine...:N" header.
    const header = lines.findIndex((l) => /^evalmachine\.<anonymous>:\d+$/.test(l));
    const quoted = header >= 0 ? lines[header + 1] : undefined;
    line = locateStatement(quoted, source, compiledLine);
  }
  return { error: { output_type: "error", ename, evalue, traceback }, line, message: headline };
}

const norm = (s: string) => s.trim().replace(/;+$/, "").replace(/\s+/g, " ");

/** The cell line whose text matches the quoted compiled line (nearest to `hint`). */
function locateStatement(quoted: string | undefined, source: string, hint: number): number {
  const srcLines = source.split("\n");
  if (quoted !== undefined && norm(quoted) !== "") {
    const want = norm(quoted);
    const candidates = srcLines.map((l, i) => [norm(l), i + 1] as const).filter(([l]) => l !== "" && (l === want || want.startsWith(l) || l.startsWith(want)));
    if (candidates.length > 0) {
      return candidates.reduce((best, c) => (Math.abs(c[1] - hint) < Math.abs(best[1] - hint) ? c : best))[1];
    }
  }
  return Math.min(Math.max(1, hint), srcLines.length);
}

// ------------------------------------------------------------------ figures

/** Merges the figures a notebook published, refusing a name published twice. */
export function collectFigures(nb: Notebook): { figures: Record<string, unknown>; problem?: { cell: number; message: string } } {
  const figures: Record<string, unknown> = {};
  const where = new Map<string, number>();
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.cell_type !== "code") continue;
    for (const out of cell.outputs) {
      if (out.output_type !== "display_data" && out.output_type !== "execute_result") continue;
      let value = out.data[FIGURES_MIME];
      if (value === undefined) continue;
      if (typeof value === "string") {
        try {
          value = JSON.parse(value);
        } catch {
          return { figures, problem: { cell: i + 1, message: "published figures are not valid JSON" } };
        }
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return { figures, problem: { cell: i + 1, message: "published figures are not a JSON object" } };
      }
      for (const [name, v] of Object.entries(value)) {
        if (where.has(name)) {
          return { figures, problem: { cell: i + 1, message: `figure "${name}" is published twice (cells ${where.get(name)} and ${i + 1})` } };
        }
        where.set(name, i + 1);
        figures[name] = v;
      }
    }
  }
  return { figures };
}

// ------------------------------------------------------------------ the run

function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

function report(name: string, f: CellFailure): string {
  const where = f.cell <= 0 ? "" : `cell ${f.cell}${f.line ? `, line ${f.line}` : ""}: `;
  return `${name}: ${where}${f.message}`;
}

/** Runs one notebook; never throws for a notebook's own faults (they are in the result). */
export async function runNotebook(file: string, options: RunOptions = {}): Promise<NotebookResult> {
  const started = Date.now();
  const name = options.displayName ?? relative(file);
  const seconds = () => (Date.now() - started) / 1000;
  const failed = (failure: CellFailure, extra: Partial<NotebookResult> = {}): NotebookResult => ({
    file,
    status: "failed",
    codeCells: 0,
    executedCells: 0,
    seconds: seconds(),
    cellSeconds: [],
    figures: {},
    failure,
    report: report(name, failure),
    ...extra,
  });

  let source: Notebook;
  try {
    source = readNotebook(file);
  } catch (err) {
    return failed({ cell: 0, message: (err as Error).message.replace(`${file}: `, ""), kind: "format" });
  }
  const nb: Notebook = structuredClone(source);
  const codeCells = nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
  for (const c of codeCells) {
    c.outputs = [];
    c.execution_count = null;
  }
  nb.metadata.kernelspec ??= { name: KERNEL_NAME, display_name: KERNEL_DISPLAY_NAME, language: "typescript" };
  nb.metadata.language_info ??= { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" };

  const outFile = options.inPlace ? file : path.join(options.outDir ?? path.join(buildDir(), "notebooks"), path.basename(file));
  const spec = options.spec ?? readKernelSpec(installKernelSpec());
  const timeoutMs = options.cellTimeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
  const displays = new Map<string, { data: Record<string, unknown>; metadata: Record<string, unknown> }[]>();
  const cellSeconds: [number, number][] = [];
  let failure: CellFailure | undefined;
  let executed = 0;
  let kernel: KernelClient | undefined;

  try {
    kernel = await KernelClient.start({ spec, cwd: path.dirname(path.resolve(file)) });
    let codeIndex = 0;
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      codeIndex++;
      const code = joinSource(cell.source);
      if (code.trim() === "") continue;
      options.onCell?.({ cell: i + 1, codeCell: codeIndex, codeCells: codeCells.length });
      let count: number | null = null;
      const collector = new OutputCollector(options.maxStreamChars ?? DEFAULT_MAX_STREAM_CHARS, displays, () => count);
      const cellStart = Date.now();
      try {
        const reply = await kernel.execute(code, { timeoutMs, onIopub: (m) => collector.add(m) });
        count = reply.executionCount;
        cell.execution_count = count;
        if (reply.status === "timeout") {
          const message = `did not finish within ${Math.round(timeoutMs / 1000)} s (the per-cell timeout); it was interrupted and the kernel stopped`;
          collector.outputs.push({ output_type: "error", ename: "CellTimeout", evalue: message, traceback: [`CellTimeout: ${message}`] });
          failure = { cell: i + 1, message, kind: "timeout" };
        } else if (reply.status === "error") {
          const stderr = collector.takeStderr();
          const parsed = parseCellError(stderr, code);
          collector.outputs.push(parsed.error);
          failure = { cell: i + 1, line: parsed.line, message: parsed.message, kind: "error" };
        } else {
          executed++;
        }
      } catch (err) {
        if (!(err instanceof KernelDiedError)) throw err;
        const message = err.message;
        collector.outputs.push({ output_type: "error", ename: "KernelDied", evalue: message, traceback: [`KernelDied: ${message}`] });
        failure = { cell: i + 1, message, kind: "kernel-died" };
      } finally {
        cell.outputs = collector.finish();
        const took = (Date.now() - cellStart) / 1000;
        cellSeconds.push([i + 1, took]);
        options.onCellDone?.({ cell: i + 1, codeCell: codeIndex, codeCells: codeCells.length, seconds: took });
      }
      if (failure) break;
    }
  } catch (err) {
    failure ??= { cell: 0, message: `the kernel could not be started: ${(err as Error).message}`, kind: "kernel-died" };
  } finally {
    if (kernel) {
      if (failure?.kind === "timeout") kernel.kill();
      else await kernel.shutdown();
    }
  }

  const { figures, problem } = collectFigures(nb);
  if (!failure && problem) failure = { ...problem, kind: "figures" };
  writeFileAtomic(outFile, serializeNotebook(nb));
  return {
    file,
    outFile,
    status: failure ? "failed" : "ok",
    codeCells: codeCells.length,
    executedCells: executed,
    seconds: seconds(),
    cellSeconds,
    figures,
    failure,
    report: failure ? report(name, failure) : undefined,
    notebook: nb,
  };
}
