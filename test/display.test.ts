import { describe, expect, it } from "vitest";
import { figureBundle, publish, progressBar } from "../kernel/display";
import { trainingMonitor } from "../kernel/training-monitor";
import { scriptJson } from "../kernel/format";
import { PLOTLY_MIME } from "../kernel/nbformat";
import { heatmapFigure } from "../src/plots/heatmap";

describe("figureBundle", () => {
  const fig = heatmapFigure([[0.59, 0.41]], { x: ["animal", "street"], y: ["it"], title: "</script><b>x</b>" });
  const bundle = figureBundle(fig, "plot-1");

  it("carries html, the plotly mime type and a text stand-in", () => {
    expect(Object.keys(bundle).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());
    expect(bundle["text/plain"]).toBe("<plotly figure: </script><b>x</b> (heatmap)>");
    expect((bundle[PLOTLY_MIME] as { data: unknown[] }).data).toEqual(fig.data);
  });

  it("draws into its own div only when plotly.js is there (guarded newPlot)", () => {
    const html = bundle["text/html"] as string;
    expect(html).toContain('<div id="plot-1" class="tn-plot"');
    expect(html).toMatch(/if \(window\.Plotly\) \{ window\.Plotly\.newPlot\(el,/);
    expect(html).toContain("plotly.js is not loaded in this page");
  });

  it("keeps an animation's frames, for newPlot and for the plotly mime type", () => {
    const animated = figureBundle({ ...fig, frames: [{ name: "step 1", data: [{ z: [[1]] }] }] }, "plot-2");
    expect((animated[PLOTLY_MIME] as { frames: unknown[] }).frames).toEqual([{ name: "step 1", data: [{ z: [[1]] }] }]);
    expect(animated["text/html"] as string).toContain('"frames":[{"name":"step 1"');
    expect(bundle[PLOTLY_MIME] as object).not.toHaveProperty("frames"); // a plain figure sends none
  });

  it("cannot be broken out of by a title containing </script>", () => {
    const html = bundle["text/html"] as string;
    expect(html.match(/<\/script>/g)).toHaveLength(1); // only the closing tag of its own script
    expect(scriptJson({ t: "</script>" })).toBe('{"t":"\\u003c/script>"}');
  });
});

describe("heatmapFigure", () => {
  it("puts row 0 at the top and refuses ragged rows or wrong labels", () => {
    const f = heatmapFigure([[1, 2], [3, 4]]);
    expect((f.layout.yaxis as { autorange: string }).autorange).toBe("reversed");
    expect(() => heatmapFigure([[1, 2], [3]])).toThrow(/row 1 has 1 values, row 0 has 2/);
    expect(() => heatmapFigure([[1, 2]], { x: ["a"] })).toThrow(/2 columns but 1 x labels/);
  });
});

describe("publish", () => {
  it("refuses values that JSON cannot carry, naming them", () => {
    expect(() => publish({ "weights.animal": NaN })).toThrow('published figure "weights.animal" is NaN, not a finite number');
    expect(() => publish({ nested: { deep: [1, Infinity] } })).toThrow('"nested.deep[1]" is Infinity');
    expect(() => publish({ x: undefined as unknown as number })).toThrow(/"x" is undefined/);
    expect(() => publish({ "": 1 })).toThrow(/non-empty name/);
  });
});

describe("progressBar", () => {
  it("refuses a non-positive total", () => {
    expect(() => progressBar({ total: 0 })).toThrow("progressBar total must be positive, got 0");
  });
});

describe("trainingMonitor", () => {
  it("outside a kernel it prints the bar as text and keeps the losses", () => {
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => {
      lines.push(String(s));
      return true;
    }) as typeof process.stdout.write;
    try {
      const monitor = trainingMonitor({ steps: 2, label: "demo", curveEveryMs: 0 });
      const info = { steps: 2, learningRate: 0.1, gradNorm: 1, tokens: 10, seconds: 1, tokensPerSecond: 10 };
      monitor.onStep({ ...info, step: 1, loss: 2 });
      monitor.onStep({ ...info, step: 2, loss: 1 });
      monitor.finish();
      expect(monitor.losses).toEqual([2, 1]);
    } finally {
      process.stdout.write = write;
    }
    const text = lines.join("");
    expect(text).toContain("demo [##############################] 2/2");
    expect(text).toContain("loss 1");
    expect(text).toContain("<plotly figure: demo: training loss (scatter)>");
  });
});
