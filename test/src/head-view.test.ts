import { describe, expect, it } from "vitest";
import type { Trace } from "../../src/figure";
import { headViewFigure, opacityBin } from "../../src/plots/head-view";

/** Decimal digits for floating-point checks (toBeCloseTo: |error| < 5e-10). */
const DIGITS = 9;

const TOKENS = ["a", "b", "c"];
const third = 1 / 3;
// layers[l][h][query][key]: 2 layers x 2 heads of 3 x 3 self-attention, rows sum to 1.
const LAYERS = [
  [
    [
      [0.9, 0.05, 0.05],
      [0.2, 0.6, 0.2],
      [0.005, 0.495, 0.5],
    ],
    [
      [third, third, third],
      [third, third, third],
      [third, third, third],
    ],
  ],
  [
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    [
      [0.5, 0.5, 0],
      [0.25, 0.5, 0.25],
      [0, 0.125, 0.875],
    ],
  ],
];

type Meta = { layer?: number; head?: number; column?: string };
const meta = (t: Trace): Meta => t.meta as Meta;
const ofHead = (data: Trace[], l: number, h: number): Trace[] => data.filter((t) => meta(t).layer === l && meta(t).head === h);
const lines = (ts: Trace[]): Trace[] => ts.filter((t) => t.mode === "lines");
const hover = (ts: Trace[]): Trace => ts.filter((t) => t.mode === "markers")[0];
/** The (query -> key) pairs a line trace draws: x [0, 1, null, ...], y [-q, -k, null, ...]. */
function segments(t: Trace): string[] {
  const y = t.y as (number | null)[];
  const out: string[] = [];
  for (let i = 0; i < y.length; i += 3) out.push(`${-(y[i] as number)}->${-(y[i + 1] as number)}`);
  return out;
}
type Button = { label: string; method: string; args: [{ visible: boolean[] }] };
const buttons = (layout: Record<string, unknown>): Button[] => (layout.updatemenus as { type: string; buttons: Button[] }[])[0].buttons;

describe("opacityBin", () => {
  it("bins (0, 1] into eighths, (b/8, (b+1)/8] is bin b", () => {
    // 0.05 x 8 = 0.4 -> bin 0 (opacity 1/8); 0.125 x 8 = 1 -> still bin 0 (upper edge included)
    expect([0.05, 0.125, 0.13, 0.5, 0.875, 0.9, 1].map(opacityBin)).toEqual([0, 0, 1, 3, 6, 7, 7]);
  });
});

describe("headViewFigure", () => {
  const f = headViewFigure(LAYERS, { queries: TOKENS, keys: TOKENS, title: "encoder self-attention" });

  it("trace counts: two token columns, then per layer and head one line trace per used bin and one hover trace", () => {
    // layer 1 head 1: bins of 0.9 (7), 0.6 (4), 0.495 and 0.5 (3), 0.2 (1), 0.05 (0); 0.005 is not drawn -> 5 + 1
    // layer 1 head 2: 1/3 -> bin 2 only -> 1 + 1; layer 2 head 1: 1 -> bin 7 -> 1 + 1
    // layer 2 head 2: 0.875 (6), 0.5 (3), 0.25 (1), 0.125 (0) -> 4 + 1
    expect(f.data).toHaveLength(2 + 6 + 2 + 2 + 5);
    expect(f.data.slice(0, 2).map((t) => [t.mode, t.x, t.y, t.text])).toEqual([
      ["text", [0, 0, 0], [0, -1, -2], TOKENS],
      ["text", [1, 1, 1], [0, -1, -2], TOKENS],
    ]);
    expect(f.layout.meta).toEqual({ view: "head", layers: 2, heads: 2 });
    expect((f.layout.xaxis as Record<string, unknown>).visible).toBe(false);
    expect((f.layout.yaxis as Record<string, unknown>).visible).toBe(false);
  });

  it("opacity bins: strongest first, each drawn at its upper edge, 0.05 faint and 0.9 opaque", () => {
    const ls = lines(ofHead(f.data, 0, 0));
    expect(ls.map((t) => t.opacity)).toEqual([1, 5 / 8, 4 / 8, 2 / 8, 1 / 8]);
    // 0.9: query a -> key a; 0.05: query a -> keys b and c
    expect([ls[0].x, ls[0].y]).toEqual([[0, 1, null], [0, 0, null]]);
    expect([ls[4].x, ls[4].y]).toEqual([[0, 1, null, 0, 1, null], [0, -1, null, 0, -2, null]]);
    // 0.005 (query c -> key a) is below 0.01: 8 of the 9 pairs are drawn, not c -> a
    const drawn = ls.flatMap(segments);
    expect(drawn).toHaveLength(8);
    expect(drawn).not.toContain("2->0");
  });

  it("only the initial layer is visible: the last by default, or the one asked for", () => {
    for (const t of f.data) expect(t.visible).toBe(meta(t).layer === undefined ? undefined : meta(t).layer === 1);
    const first = headViewFigure(LAYERS, { queries: TOKENS, keys: TOKENS, layer: 0 });
    for (const t of first.data.filter((t) => meta(t).layer !== undefined)) expect(t.visible).toBe(meta(t).layer === 0);
    expect((first.layout.updatemenus as { active: number }[])[0].active).toBe(0);
  });

  it("the dropdown's button k shows exactly layer k (and always the token columns)", () => {
    const bs = buttons(f.layout);
    expect((f.layout.updatemenus as { type: string }[])[0].type).toBe("dropdown");
    expect(bs.map((b) => b.label)).toEqual(["layer 1", "layer 2"]);
    bs.forEach((b, k) => {
      expect(b.method).toBe("restyle");
      expect(b.args[0].visible).toEqual(f.data.map((t) => meta(t).layer === undefined || meta(t).layer === k));
    });
  });

  it("one legend group per head, one legend entry per head and layer, on a drawn line", () => {
    for (const t of f.data.slice(2)) expect(t.legendgroup).toBe(`head ${meta(t).head! + 1}`);
    for (const l of [0, 1]) {
      for (const h of [0, 1]) {
        const ts = ofHead(f.data, l, h);
        expect(ts.map((t) => t.showlegend)).toEqual(ts.map((_, i) => i === 0));
        expect(ts[0].mode).toBe("lines");
        expect(ts.every((t) => t.name === `head ${h + 1}`)).toBe(true);
      }
    }
    expect(f.data.slice(0, 2).every((t) => t.showlegend === false)).toBe(true);
  });

  it("one colour per head, default or given", () => {
    const g = headViewFigure(LAYERS, { queries: TOKENS, keys: TOKENS, headColors: ["red", "blue"] });
    for (const t of g.data.slice(2)) {
      const color = t.mode === "lines" ? (t.line as { color: string }).color : (t.marker as { color: string }).color;
      expect(color).toBe(meta(t).head === 0 ? "red" : "blue");
    }
  });

  it("hover: the exact weight of every pair, on a point of its line, no two points in one place", () => {
    for (const l of [0, 1]) {
      const points = new Set<string>();
      for (const h of [0, 1]) {
        const t = hover(ofHead(f.data, l, h));
        expect(t.customdata).toEqual(LAYERS[l][h].flat());
        expect(t.hovertemplate).toBe("%{text}: weight %{customdata:.4f}<extra></extra>");
        expect((t.text as string[])[1]).toBe(`head ${h + 1} · query a → key b`);
        expect((t.marker as { opacity: number }).opacity).toBe(0);
        const xs = t.x as number[];
        const ys = t.y as number[];
        xs.forEach((x, i) => {
          const q = Math.floor(i / 3);
          const k = i % 3;
          expect(ys[i]).toBeCloseTo(-q + x * (q - k), DIGITS); // on the line (0, -q) -> (1, -k)
          points.add(`${x.toFixed(6)},${ys[i].toFixed(6)}`);
        });
      }
      expect(points.size).toBe(2 * 9);
    }
    expect(lines(f.data).every((t) => t.hoverinfo === "skip")).toBe(true);
  });

  it("column titles: queries and keys for self-attention", () => {
    expect((f.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(["queries", "keys"]);
  });

  describe("cross-attention, 2 target x 3 source tokens", () => {
    const cross = [[[[0.7, 0.2, 0.1], [0.05, 0.05, 0.9]]]];
    const g = headViewFigure(cross, { queries: ["le", "chat"], keys: ["the", "cat", "<s>"] });

    it("titles the columns target (queries) and source (keys)", () => {
      expect((g.layout.annotations as { text: string }[]).map((a) => a.text)).toEqual(["target (queries)", "source (keys)"]);
    });

    it("two rows on the left, three on the right, labels escaped", () => {
      expect(g.data[0].y).toEqual([0, -1]);
      expect(g.data[1].y).toEqual([0, -1, -2]);
      expect(g.data[1].text).toEqual(["the", "cat", "&lt;s&gt;"]);
      const h = hover(ofHead(g.data, 0, 0));
      expect(h.customdata).toEqual([0.7, 0.2, 0.1, 0.05, 0.05, 0.9]);
      expect((h.text as string[])[5]).toBe("head 1 · query chat → key &lt;s&gt;");
      expect(buttons(g.layout).map((b) => b.label)).toEqual(["layer 1"]);
    });
  });

  it("throws with the values named", () => {
    const opts = { queries: TOKENS, keys: TOKENS };
    const u = LAYERS[0][1];
    expect(() => headViewFigure([], opts)).toThrow("head view needs at least one layer");
    expect(() => headViewFigure([[u]], { queries: [], keys: [] })).toThrow("head view needs tokens: 0 queries, 0 keys");
    expect(() => headViewFigure([[]], opts)).toThrow("head view layer 1 has no heads");
    expect(() => headViewFigure([[u, u], [u]], opts)).toThrow("head view layer 2 has 1 heads, layer 1 has 2");
    expect(() => headViewFigure([[u, u.slice(0, 2)]], opts)).toThrow("head view layer 1 head 2 has 2 rows but 3 query labels");
    expect(() => headViewFigure([[u]], { queries: TOKENS, keys: ["a", "b"] })).toThrow("head view layer 1 head 1 has 3 columns but 2 key labels");
    expect(() => headViewFigure([[[[1, 0, 0], [1, 0], [1, 0, 0]]]], opts)).toThrow("head view layer 1 head 1: row 1 has 2 values, row 0 has 3");
    expect(() => headViewFigure([[[[1, 1.5, 0], [1, 0, 0], [1, 0, 0]]]], opts)).toThrow("head view layer 1 head 1 weight [0][1] is 1.5, not in [0, 1]");
    expect(() => headViewFigure([[[[1, 0, 0], [1, 0, 0], [1, 0, NaN]]]], opts)).toThrow("weight [2][2] is NaN, not in [0, 1]");
    expect(() => headViewFigure([[[[1, 0, 0], [1, 0, 0], [-0.1, 0, 0]]]], opts)).toThrow("weight [2][0] is -0.1, not in [0, 1]");
    expect(() => headViewFigure(LAYERS, { ...opts, layer: 2 })).toThrow("head view layer 2 is not in 0..1 (2 layers)");
    expect(() => headViewFigure(LAYERS, { ...opts, layer: 0.5 })).toThrow("head view layer 0.5 is not in 0..1 (2 layers)");
    expect(() => headViewFigure(LAYERS, { ...opts, headColors: ["red"] })).toThrow("head view has 2 heads but 1 head colours");
  });
});
