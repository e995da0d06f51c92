import { describe, expect, it } from "vitest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { joinSource, readNotebook, splitLines, validateNotebook, writeFileAtomic } from "../kernel/nbformat";

describe("validateNotebook", () => {
  const ok = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: "code", source: "1", metadata: {} }] };

  it("accepts nbformat 4 and fills defaults", () => {
    const nb = validateNotebook(ok, "x.ipynb");
    const cell = nb.cells[0];
    expect(cell.cell_type).toBe("code");
    if (cell.cell_type === "code") {
      expect(cell.outputs).toEqual([]);
      expect(cell.execution_count).toBeNull();
    }
  });

  it.each([
    [[], /top level is not a JSON object/],
    [{ nbformat: 3, cells: [] }, /nbformat is 3, only nbformat 4/],
    [{ nbformat: 4 }, /no "cells" list/],
    [{ nbformat: 4, cells: {} }, /"cells" is not a list/],
    [{ nbformat: 4, cells: [{ cell_type: "python", source: "" }] }, /cell 1 has cell_type "python"/],
    [{ nbformat: 4, cells: [{ cell_type: "code" }] }, /cell 1 has no source/],
  ])("refuses %j", (value, message) => {
    expect(() => validateNotebook(value, "bad.ipynb")).toThrow(message);
    expect(() => validateNotebook(value, "bad.ipynb")).toThrow(/^bad\.ipynb: /);
  });

  it("names the file on bad JSON", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tn-nb-"));
    const file = path.join(dir, "broken.ipynb");
    fs.writeFileSync(file, "{ not json");
    expect(() => readNotebook(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*bad JSON`));
  });
});

describe("text helpers", () => {
  it("splits into lines that keep their newline, and joins back", () => {
    expect(splitLines("a\nb\n")).toEqual(["a\n", "b\n"]);
    expect(splitLines("a\nb")).toEqual(["a\n", "b"]);
    expect(splitLines("")).toEqual([]);
    expect(joinSource(["a\n", "b"])).toBe("a\nb");
  });
});

describe("writeFileAtomic", () => {
  it("replaces the file whole and leaves no temporary file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tn-atomic-"));
    const file = path.join(dir, "sub", "out.json");
    writeFileAtomic(file, "first");
    writeFileAtomic(file, "second");
    expect(fs.readFileSync(file, "utf8")).toBe("second");
    expect(fs.readdirSync(path.dirname(file))).toEqual(["out.json"]);
  });
});
