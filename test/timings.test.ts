import { describe, expect, it } from "vitest";
import type { NotebookResult } from "../kernel/runner";
import { timingReport, trainingCells } from "../kernel/timings";

const code = (source: string) => ({ cell_type: "code" as const, metadata: {}, execution_count: null, outputs: [], source });

function result(file: string, seconds: number, cells: string[], cellSeconds: [number, number][]): NotebookResult {
  return { file, status: "ok", seconds, codeCells: cells.length, cellSeconds, figures: {}, notebook: { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map(code) } } as unknown as NotebookResult;
}

describe("the course's timing report", () => {
  const nb09 = result("notebooks/09-x.ipynb", 100, [
    'import { train } from "transformer-notebooks";',
    "async function trainTask() {\n  const run = await train({ steps: 10 });\n  return run;\n}", // a definition: not a training cell
    'const copy = await trainTask("copy");',
    "const run = await train({ steps: 5 });\nshow(run);",
    "show(copy);",
  ], [[1, 1], [2, 0.5], [3, 40], [4, 30.25], [5, 2]]);
  const nb00 = result("notebooks/00-y.ipynb", 5.5, ["1 + 1"], [[1, 0.1]]);

  it("finds the cells that train at top level, not a helper's definition", () => {
    expect(trainingCells(nb09)).toEqual([[3, 40], [4, 30.25]]);
    expect(trainingCells(nb00)).toEqual([]);
  });

  it("gives the total and, per training notebook, its training cells: 100 + 5.5 = 105.5 s; 40 + 30.25 = 70.25 s", () => {
    expect(timingReport([nb00, nb09])).toBe("all 2 notebooks: 105.5 s\n  09-x.ipynb: training cells cell 3 40 s, cell 4 30.3 s (70.25 s of 100 s)"); // each cell to 3 significant digits, sums to 4
  });
});
