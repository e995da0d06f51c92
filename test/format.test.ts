import { describe, expect, it } from "vitest";
import { formatNumber, formatValue, makeTable, tableToHtml, tableToText } from "../kernel/format";

describe("formatNumber", () => {
  it("hides float noise", () => {
    expect(formatNumber(0.6199999999999999)).toBe("0.62"); // 0.56 + 0.06 in binary floating point
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
  });
  it("keeps five significant digits by default", () => {
    expect(formatNumber(1 / 3)).toBe("0.33333");
    expect(formatNumber(0.62 / Math.sqrt(2))).toBe("0.43841"); // 0.438406...
    expect(formatNumber(Math.PI, 3)).toBe("3.14");
  });
  it("prints integers whole and tiny or huge values in exponent form", () => {
    expect(formatNumber(512)).toBe("512");
    expect(formatNumber(-3)).toBe("-3");
    expect(formatNumber(1.5e-9)).toBe("1.5e-9");
    expect(formatNumber(-2e-7)).toBe("-2e-7");
    expect(formatNumber(0)).toBe("0");
  });
  it("names non-finite values", () => {
    expect(formatNumber(NaN)).toBe("NaN");
    expect(formatNumber(-Infinity)).toBe("-Infinity");
  });
});

describe("tables", () => {
  it("formats arrays, typed arrays and nested lists", () => {
    expect(formatValue([0.6199999999999999, 0.1])).toBe("[0.62, 0.1]");
    expect(formatValue(new Float32Array([0.5, 0.25]))).toBe("[0.5, 0.25]");
    expect(formatValue([[1, 2], [3]])).toBe("[[1, 2], [3]]");
  });

  it("aligns numbers right and text left", () => {
    const t = makeTable(
      [
        ["animal", 0.6199999999999999],
        ["street", 0.1],
      ],
      { columns: ["key", "score"] },
    );
    expect(tableToText(t)).toBe(["key     score", "------  -----", "animal   0.62", "street    0.1"].join("\n"));
  });

  it("takes rows as objects, with row labels", () => {
    const t = makeTable([{ a: 1, b: "x" }, { a: 2.5, b: "y" }], { rowLabels: ["r1", "r2"] });
    expect(t.header).toEqual(["", "a", "b"]);
    expect(t.rows).toEqual([
      ["r1", "1", "x"],
      ["r2", "2.5", "y"],
    ]);
    expect(() => makeTable([[1]], { rowLabels: ["a", "b"] })).toThrow(/1 rows but 2 row labels/);
  });

  it("escapes HTML in cells", () => {
    const html = tableToHtml(makeTable([["<b>x</b>", 1]]));
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
    expect(html).not.toContain("<b>");
  });
});
