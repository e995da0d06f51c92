/**
 * Saving figures: standalone HTML always, PNG and SVG through headless
 * Chromium, and a clear error (naming what to install) when there is none.
 */
import { afterEach, describe, expect, it } from "vitest";
import * as fs from "fs";
import * as path from "path";
import { findChromium, NO_CHROMIUM } from "../kernel/chromium";
import { figureHtml, saveFigure } from "../kernel/figure-export";
import type { Figure } from "../src/figure";
import { tempDir } from "./fixtures";

const FIGURE: Figure = {
  data: [{ type: "heatmap", z: [[0.59, 0.41]] }],
  layout: { title: { text: "it → animal, street" }, width: 400, height: 300 },
  frames: [{ name: "step 1", data: [{ z: [[1, 0]] }] }],
};

describe("saveFigure", () => {
  const saved = process.env.CHROMIUM_PATH;
  afterEach(() => {
    if (saved === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved;
  });

  it("HTML: one page with plotly.js inlined, the figure and its frames, and no external script", async () => {
    const file = await saveFigure(FIGURE, path.join(tempDir(), "fig.html"));
    const html = fs.readFileSync(file, "utf8");
    expect(html).toContain("<title>it → animal, street</title>");
    expect(html).toContain('"frames":[{"name":"step 1"');
    expect(html.length).toBeGreaterThan(1_000_000); // plotly.js itself
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(figureHtml(FIGURE)).toBe(html);
  });

  it("PNG and SVG are drawn by plotly in headless Chromium", async () => {
    const dir = tempDir();
    const png = fs.readFileSync(await saveFigure(FIGURE, path.join(dir, "fig.png")));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // the PNG signature
    // the IHDR chunk holds width and height: 400 x 300 CSS pixels at scale 2
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([800, 600]);
    const svg = fs.readFileSync(await saveFigure(FIGURE, path.join(dir, "fig.svg")), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('width="400" height="300"');
  });

  it("without Chromium, PNG fails with a message saying what to install; HTML still works", async () => {
    process.env.CHROMIUM_PATH = "/nonexistent/chromium";
    expect(findChromium()).toBeNull();
    const dir = tempDir();
    await expect(saveFigure(FIGURE, path.join(dir, "fig.png"))).rejects.toThrow(NO_CHROMIUM);
    expect(NO_CHROMIUM).toContain("apt-get install chromium");
    expect(fs.existsSync(path.join(dir, "fig.png"))).toBe(false);
    await expect(saveFigure(FIGURE, path.join(dir, "fig.html"))).resolves.toContain("fig.html");
  });

  it("refuses a name whose format it cannot tell, and a non-figure", async () => {
    await expect(saveFigure(FIGURE, "fig.jpeg")).rejects.toThrow("cannot tell the format of fig.jpeg: use a .html, .png or .svg name, or pass { format }");
    expect(() => figureHtml({} as Figure)).toThrow("figureHtml takes a plotly figure");
  });
});
