/**
 * kernel/tslab-internals.ts reaches into tslab; these tests pin what it relies
 * on, so an upgrade of tslab fails here and not in a notebook.
 */
import { describe, expect, it } from "vitest";
import * as path from "path";
import { installedTslabVersion, TSLAB_VERSION, writeDisplayData } from "../kernel/tslab-internals";

const ROOT = path.resolve(__dirname, "..");
const req = (sub: string) => require(require.resolve(`tslab/${sub}`, { paths: [ROOT] }));

describe("tslab internals", () => {
  it("is the pinned version", () => {
    expect(installedTslabVersion()).toBe(TSLAB_VERSION);
    expect(require(path.join(ROOT, "package.json")).dependencies.tslab).toBe(TSLAB_VERSION);
  });

  it("keeps the current cell's display writer in jupyter.lastWriteDisplayData", () => {
    const jupyter = req("dist/jupyter.js");
    expect("lastWriteDisplayData" in jupyter).toBe(true);
    // Outside a kernel there is no writer: writeDisplayData says so instead of throwing.
    expect(jupyter.lastWriteDisplayData).toBeNull();
    expect(writeDisplayData({ data: { "text/plain": "x" }, metadata: {}, transient: {} }, false)).toBe(false);
  });

  it("sends our bundle through that writer unchanged", () => {
    const jupyter = req("dist/jupyter.js");
    const seen: unknown[] = [];
    jupyter.lastWriteDisplayData = (content: unknown, update: boolean) => seen.push([content, update]);
    try {
      const content = { data: { "text/plain": "x", "application/json": { a: 1 } }, metadata: {}, transient: { display_id: "d" } };
      expect(writeDisplayData(content, true)).toBe(true);
      expect(seen).toEqual([[content, true]]);
    } finally {
      jupyter.lastWriteDisplayData = null;
    }
  });

  it("has the pieces startKernel assembles", () => {
    expect(typeof req("dist/converter.js").createConverter).toBe("function");
    expect(typeof req("dist/executor.js").createExecutor).toBe("function");
    const jupyter = req("dist/jupyter.js");
    expect(typeof jupyter.ZmqServer).toBe("function");
    expect(typeof jupyter.JupyterHandlerImpl).toBe("function");
  });
});
