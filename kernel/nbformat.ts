/**
 * The nbformat 4 notebook: types, a validating reader, and an atomic writer.
 *
 * Only the parts the runner and the exporter use are typed; everything else in
 * a notebook (extra metadata, attachments) is carried through untouched.
 */
import * as fs from "fs";
import * as path from "path";

/** A multi-line string as nbformat stores it: one string or a list of lines. */
export type MultilineString = string | string[];

/** A mime bundle: mime type -> data (text as string or lines, JSON as a value). */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  cell_type: "code";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  execution_count: number | null;
  outputs: Output[];
}
export interface MarkdownCell {
  cell_type: "markdown";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  attachments?: Record<string, MimeBundle>;
}
export interface RawCell {
  cell_type: "raw";
  id?: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
}
export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** Mime type of a notebook's published, checked figures (a JSON object). */
export const FIGURES_MIME = "application/vnd.transformer-notebooks.figures+json";
/** Mime type of a plotly figure ({ data, layout, config }). */
export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Thrown for a notebook file that is not a usable nbformat 4 notebook. */
export class NotebookFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: not a usable notebook: ${problem}`);
    this.name = "NotebookFormatError";
  }
}

/** Joins nbformat's multi-line string into one string. */
export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** Splits text into nbformat's list of lines, each keeping its "\n". */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isMultiline(value: unknown): value is MultilineString {
  return typeof value === "string" || (Array.isArray(value) && value.every((l) => typeof l === "string"));
}

/**
 * Checks that `value` is an nbformat 4 notebook with well-formed cells and
 * returns it typed; throws NotebookFormatError naming the first problem.
 */
export function validateNotebook(value: unknown, file: string): Notebook {
  const fail = (problem: string): never => {
    throw new NotebookFormatError(file, problem);
  };
  if (!isRecord(value)) return fail("the top level is not a JSON object");
  if (value.nbformat !== 4) {
    return fail(`nbformat is ${JSON.stringify(value.nbformat)}, only nbformat 4 is supported`);
  }
  if (!("cells" in value)) return fail('it has no "cells" list');
  if (!Array.isArray(value.cells)) return fail('"cells" is not a list');
  if (value.metadata !== undefined && !isRecord(value.metadata)) return fail('"metadata" is not an object');
  value.cells.forEach((cell: unknown, i: number) => {
    const where = `cell ${i + 1}`;
    if (!isRecord(cell)) return fail(`${where} is not an object`);
    if (cell.cell_type !== "code" && cell.cell_type !== "markdown" && cell.cell_type !== "raw") {
      return fail(`${where} has cell_type ${JSON.stringify(cell.cell_type)}`);
    }
    if (!isMultiline(cell.source)) return fail(`${where} has no source text`);
    if (cell.outputs !== undefined && !Array.isArray(cell.outputs)) return fail(`${where} has "outputs" that is not a list`);
    return undefined;
  });
  const nb = value as Record<string, unknown>;
  return {
    ...nb,
    nbformat: 4,
    nbformat_minor: typeof nb.nbformat_minor === "number" ? nb.nbformat_minor : 5,
    metadata: isRecord(nb.metadata) ? nb.metadata : {},
    cells: (nb.cells as Record<string, unknown>[]).map((cell) => {
      const metadata = isRecord(cell.metadata) ? cell.metadata : {};
      if (cell.cell_type === "code") {
        return {
          ...cell,
          metadata,
          execution_count: typeof cell.execution_count === "number" ? cell.execution_count : null,
          outputs: Array.isArray(cell.outputs) ? (cell.outputs as Output[]) : [],
        } as CodeCell;
      }
      return { ...cell, metadata } as MarkdownCell | RawCell;
    }),
  };
}

/** Reads and validates a notebook file; throws NotebookFormatError on bad input. */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new NotebookFormatError(file, `cannot be read (${(err as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new NotebookFormatError(file, `bad JSON (${(err as Error).message})`);
  }
  return validateNotebook(value, file);
}

/** Serialises a notebook the way Jupyter does (1-space indent, trailing newline). */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + "\n";
}

/**
 * Writes a file atomically: to a temporary file in the same folder, then a
 * rename, so a reader never sees half a file and a crash leaves the old one.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Output metadata key the kernel sets on the output that only loads plotly.js
 * into the page (`{ [OUTPUT_ROLE_KEY]: "plotly-library" }`); exporters that
 * bring their own copy skip it.
 */
export const OUTPUT_ROLE_KEY = "transformer-notebooks/role";
export const PLOTLY_LIBRARY_ROLE = "plotly-library";
