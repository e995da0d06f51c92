import { describe, expect, it } from "vitest";
import * as fs from "fs";
import * as path from "path";
import { selectNotebooks } from "../kernel/select";
import { tempDir } from "./fixtures";

describe("selectNotebooks", () => {
  const dir = tempDir("tn-select-");
  for (const f of ["01-tokens.ipynb", "00-overview.ipynb", "03-attention.ipynb", "03b-extra.ipynb", "notes.md"]) {
    fs.writeFileSync(path.join(dir, f), "{}");
  }
  const names = (files: string[]) => files.map((f) => path.basename(f));

  it("takes every notebook, in file-name order, by default", () => {
    expect(names(selectNotebooks([], dir))).toEqual(["00-overview.ipynb", "01-tokens.ipynb", "03-attention.ipynb", "03b-extra.ipynb"]);
  });

  it("takes prefixes and paths, once each, in the order given", () => {
    expect(names(selectNotebooks(["03", "00"], dir))).toEqual(["03-attention.ipynb", "03b-extra.ipynb", "00-overview.ipynb"]);
    expect(names(selectNotebooks([path.join(dir, "01-tokens.ipynb"), "01"], dir))).toEqual(["01-tokens.ipynb"]);
  });

  it("names the entry that matches nothing", () => {
    expect(() => selectNotebooks(["42"], dir)).toThrow(/starts with "42"/);
    expect(() => selectNotebooks(["missing/x.ipynb"], dir)).toThrow("no such notebook: missing/x.ipynb");
  });
});
