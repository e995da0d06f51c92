/**
 * The cell rewrite that works around tslab's shorthand-property bug, as a
 * transform and inside a real kernel.
 */
import { describe, expect, it } from "vitest";
import { expandShorthandProperties } from "../kernel/cell-source";
import { runNotebook } from "../kernel/runner";
import { tempDir, writeNotebook } from "./fixtures";

describe("expandShorthandProperties", () => {
  it("spells out { a } as { a: a }, on the same line", () => {
    expect(expandShorthandProperties("publish({ tokens, ids });")).toBe("publish({ tokens: tokens, ids: ids });");
    expect(expandShorthandProperties("f({\n  a,\n  b: 2,\n});")).toBe("f({\n  a: a,\n  b: 2,\n});");
  });

  it("leaves destructuring, defaults, methods, strings and comments alone", () => {
    for (const src of [
      "const { a, b } = obj;",
      "({ a = 1 } = obj);",
      "const o = { f() { return 1; }, [k]: 2, ...rest };",
      'const s = "{ a }"; // { a }',
      "const t = `${x}{ a }`;",
    ]) {
      expect(expandShorthandProperties(src)).toBe(src);
    }
  });
});

describe("in the kernel", () => {
  it("a shorthand property naming an earlier cell's variable works", async () => {
    const file = writeNotebook("shorthand", [
      'import { publish } from "transformer-notebooks";\nconst tokens = ["a", "b"];\nconst count = 2;',
      "publish({ tokens, count });",
    ]);
    const r = await runNotebook(file, { outDir: tempDir() });
    expect(r.report ?? "ok").toBe("ok");
    expect(r.figures).toEqual({ tokens: ["a", "b"], count: 2 });
  });
});
