/**
 * Small notebooks for the runner tests, written at test time under
 * build/test-fixtures/ (inside the project, so the kernel resolves the library).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
export const FIXTURE_DIR = path.join(ROOT, "build", "test-fixtures");

export type CellSpec = string | { markdown: string };

/** Writes a notebook made of these cells (strings are code) and returns its path. */
export function writeNotebook(name: string, cells: CellSpec[]): string {
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "transformer-notebooks", display_name: "TypeScript (transformer-notebooks)", language: "typescript" } },
    cells: cells.map((c, i) =>
      typeof c === "string"
        ? { id: `c${i}`, cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: c }
        : { id: `c${i}`, cell_type: "markdown", metadata: {}, source: c.markdown },
    ),
  };
  const file = path.join(FIXTURE_DIR, `${name}.ipynb`);
  fs.writeFileSync(file, JSON.stringify(nb, null, 1) + "\n");
  return file;
}

/** Writes raw text as a notebook file (for malformed ones). */
export function writeRaw(name: string, text: string): string {
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  const file = path.join(FIXTURE_DIR, name);
  fs.writeFileSync(file, text);
  return file;
}

/** A fresh temporary output folder. */
export function tempDir(prefix = "tn-out-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until `pid` is gone, up to `ms`; returns whether it went. */
export async function waitGone(pid: number, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}
