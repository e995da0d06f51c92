import * as fs from "fs";
import { describe, expect, it } from "vitest";
import { exportHandout, exportIndex, formatNumber, notebookTitle, type IndexEntry } from "../kernel/export";
import { FIGURES_MIME, OUTPUT_ROLE_KEY, PLOTLY_LIBRARY_ROLE, PLOTLY_MIME, type Cell, type MimeBundle, type Notebook, type Output } from "../kernel/nbformat";

// ---------------------------------------------------------------------------
// Notebook builders

function notebook(...cells: Cell[]): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}
function md(source: string | string[]): Cell {
  return { cell_type: "markdown", metadata: {}, source };
}
function code(source: string, outputs: Output[] = [], count: number | null = 1): Cell {
  return { cell_type: "code", metadata: {}, source, execution_count: count, outputs };
}
function display(data: MimeBundle): Output {
  return { output_type: "display_data", data, metadata: {} };
}
function plot(title: string): Output {
  return display({
    [PLOTLY_MIME]: { data: [{ type: "heatmap", z: [[1, 2], [3, 4]] }], layout: { title: { text: title } } },
    "text/html": "<div>KERNEL-PLOT-HTML</div><script>/* the kernel's own plotly.js copy */</script>",
    "text/plain": "a plot",
  });
}

const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;
/** The page after </head>: cells, without the inlined libraries. */
const body = (page: string): string => page.slice(page.indexOf("</head>") + "</head>".length);
/** The whole handout page. */
const fullPage = (nb: Notebook): string => exportHandout(nb, { sourceName: "t.ipynb" });
/** The rendered cells (the page's body), which keeps failure messages short. */
const html = (nb: Notebook): string => body(fullPage(nb));

const plotlyText = fs.readFileSync(require.resolve("plotly.js-dist-min"), "utf8");
/** A stretch of plotly.js that identifies the library (no "<" in it to be escaped). */
const plotlySignature = plotlyText.slice(5000, 5300);
const KATEX_FONT_FACE = "font-family:KaTeX_Main";
const hasKatexCss = (page: string): boolean => page.includes("@font-face") && page.includes(KATEX_FONT_FACE);

// ---------------------------------------------------------------------------

describe("markdown", () => {
  it("renders headings, lists, emphasis and links", () => {
    const page = html(notebook(md("## Setup\n\n- one\n- **two**\n\n1. first\n\n[docs](https://example.com/docs)")));
    expect(page).toContain("<h2>Setup</h2>");
    expect(page).toMatch(/<ul>\s*<li>one<\/li>\s*<li><strong>two<\/strong><\/li>\s*<\/ul>/);
    expect(page).toMatch(/<ol>\s*<li>first<\/li>/);
    expect(page).toContain('<a href="https://example.com/docs">docs</a>');
  });

  it("renders inline and display math with KaTeX, underscores and asterisks untouched", () => {
    const page = html(notebook(md("Scores $a_i b_j$ and $x*y*z$ here.\n\n$$\nW_q x_t * W_k x_s\n$$\n")));
    expect(count(page, 'class="katex"')).toBe(3);
    expect(page).toContain('class="katex-display"');
    expect(page).not.toContain("<em>");
    // KaTeX keeps the TeX source as an annotation: it must arrive unchanged.
    expect(page).toContain('<annotation encoding="application/x-tex">a_i b_j</annotation>');
    expect(page).toContain('<annotation encoding="application/x-tex">x*y*z</annotation>');
    expect(page).toMatch(/<annotation encoding="application\/x-tex">\s*W_q x_t \* W_k x_s\s*<\/annotation>/);
  });

  it("accepts \\(...\\) and \\[...\\] delimiters, and $$ inside a paragraph", () => {
    const page = html(notebook(md("Inline \\(q_1\\), display \\[k_1 + k_2\\] and $$v_1$$ too.")));
    expect(count(page, 'class="katex"')).toBe(3);
    expect(count(page, 'class="katex-display"')).toBe(2);
    expect(page).toContain(">q_1</annotation>");
  });

  it("keeps the lines of a display block TeX, even ones that look like markdown", () => {
    const page = html(notebook(md("Before\n$$\na\n- b\n+ c\n$$\nAfter")));
    expect(page).not.toContain("<li>");
    expect(page).toMatch(/<annotation encoding="application\/x-tex">a\n- b\n\+ c<\/annotation>/);
    expect(page).toContain("<p>Before</p>");
    expect(page).toContain("<p>After</p>");
  });

  it("leaves $ in inline code, code blocks and escaped \\$ literal", () => {
    const nb = notebook(md("Use `cost $x$ here` and\n\n```\nlet a = $b$;\n```\n\nprices \\$5 and \\$6, or $5 and $6."));
    const page = html(nb);
    expect(page).toContain("<code>cost $x$ here</code>");
    expect(page).toMatch(/<pre><code>let a = \$b\$;\n<\/code><\/pre>/);
    expect(page).toContain("prices $5 and $6, or $5 and $6.");
    expect(page).not.toContain('class="katex');
    expect(hasKatexCss(fullPage(nb))).toBe(false);
  });

  it("does not let inline math run into a code span, and skips escaped dollars inside math", () => {
    const page = html(notebook(md("costs $5 and `x$` here; worth $p = \\$x$ now")));
    expect(page).toContain("costs $5 and <code>x$</code> here;");
    expect(count(page, 'class="katex"')).toBe(1);
    expect(page).toContain('<annotation encoding="application/x-tex">p = \\$x</annotation>');
  });

  it("skips escaped dollars when looking for the end of display math", () => {
    const page = html(notebook(md("$$\ncost = 5\\$$$\n\nand $$y = 2\\$$$ inline")));
    expect(page).toContain('<annotation encoding="application/x-tex">cost = 5\\$</annotation>');
    expect(page).toContain('<annotation encoding="application/x-tex">y = 2\\$</annotation>');
    expect(page).not.toContain("katex-error");
  });

  it("inlines markdown image attachments as data: URIs", () => {
    const cell: Cell = {
      cell_type: "markdown",
      metadata: {},
      source: "![diagram](attachment:d.png)",
      attachments: { "d.png": { "image/png": "iVBORw0KGgo=" } },
    };
    expect(html(notebook(cell))).toContain('src="data:image/png;base64,iVBORw0KGgo="');
  });
});

describe("code cells", () => {
  it("shows the escaped source with its execution count", () => {
    const page = html(notebook(code('if (a < b && c > d) log("<script>x</script>");', [], 3)));
    expect(page).toContain("[3]:");
    expect(page).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(page).toContain("&lt; b &amp;&amp; c &gt; d");
    expect(page).not.toContain("<script>");
  });

  it("highlights TypeScript keywords, strings and comments", () => {
    const page = html(notebook(code('const s = "hi"; // note')));
    expect(page).toContain('<span class="tn-k">const</span>');
    expect(page).toContain('<span class="tn-s">&quot;hi&quot;</span>');
    expect(page).toContain('<span class="tn-c">// note</span>');
  });

  it("shows an unexecuted cell as [ ]: and drops empty cells and remove-* tags", () => {
    const hidden: Cell = { ...code("secretSetup()"), metadata: { tags: ["remove-cell"] } };
    const noInput: Cell = { ...code("hiddenInput()", [{ output_type: "stream", name: "stdout", text: "shown" }]), metadata: { tags: ["remove-input"] } };
    const page = html(notebook(code("later()", [], null), code("  \n"), hidden, noInput));
    expect(page).toContain("[ ]:");
    expect(count(page, 'class="tn-cell tn-code"')).toBe(2);
    expect(page).not.toContain("secretSetup");
    expect(page).not.toContain("hiddenInput");
    expect(page).toContain(">shown</pre>");
  });
});

describe("outputs", () => {
  it("escapes HTML in text/plain", () => {
    const page = html(notebook(code("x", [display({ "text/plain": "<b>bold</b> & co" })])));
    expect(page).toContain("&lt;b&gt;bold&lt;/b&gt; &amp; co");
    expect(page).not.toContain("<b>bold</b>");
  });

  it("picks the best mime type of a bundle: html over plain, images as data: URIs", () => {
    const page = html(
      notebook(
        code("x", [
          display({ "text/html": ["<table id=", '"t1"><tr><td>cell</td></tr></table>'], "text/plain": "PLAIN-FALLBACK" }),
          display({ "image/png": ["iVBORw0K\n", "GgoAAAA=\n"], "text/plain": "<Figure>" }),
          display({ "image/svg+xml": '<?xml version="1.0"?><svg id="s1"></svg>', "image/png": "iVBORw0KGgo=" }),
        ]),
      ),
    );
    expect(page).toContain('<table id="t1"><tr><td>cell</td></tr></table>');
    expect(page).not.toContain("PLAIN-FALLBACK");
    expect(page).toContain('<img class="tn-image" alt="output image" src="data:image/png;base64,iVBORw0KGgoAAAA=">');
    expect(page).not.toContain("&lt;Figure&gt;");
    expect(page).toContain('<svg id="s1"></svg>');
    expect(page).not.toContain("<?xml");
  });

  it("renders text/latex and text/markdown outputs", () => {
    const nb = notebook(code("x", [display({ "text/latex": "$$\\sigma_1$$", "text/plain": "s" }), display({ "text/markdown": "**Result**: $h_t$" })]));
    const page = html(nb);
    expect(page).toContain('<annotation encoding="application/x-tex">\\sigma_1</annotation>');
    expect(page).toContain('class="katex-display"');
    expect(page).toContain("<strong>Result</strong>");
    expect(page).toContain(">h_t</annotation>");
    expect(hasKatexCss(fullPage(nb))).toBe(true);
  });

  it("renders stdout plainly, stderr styled, both without ANSI codes", () => {
    const page = html(
      notebook(
        code("x", [
          { output_type: "stream", name: "stdout", text: ["step \u001b[1m1\u001b[0m\n"] },
          { output_type: "stream", name: "stdout", text: "step 2\n" },
          { output_type: "stream", name: "stderr", text: "\u001b[31mwarning:\u001b[0m <careful>\n" },
        ]),
      ),
    );
    expect(page).toContain('<pre class="tn-output tn-stream tn-stdout">step 1\nstep 2\n</pre>');
    expect(page).toContain('<pre class="tn-output tn-stream tn-stderr">warning: &lt;careful&gt;\n</pre>');
    expect(page).not.toContain("\u001b");
    expect(page).not.toContain("[31m");
    expect(count(page, "tn-stream")).toBe(2); // adjacent writes to one stream are one block
  });

  it("shows carriage-return progress as a terminal would", () => {
    const page = html(notebook(code("x", [{ output_type: "stream", name: "stdout", text: "10%\r50%\r100%\ndone\n" }])));
    expect(page).toContain(">100%\ndone\n</pre>");
  });

  it("renders errors with name, message and traceback, ANSI stripped and escaped", () => {
    const error: Output = {
      output_type: "error",
      ename: "RangeError",
      evalue: "index <7> out of range",
      traceback: ["\u001b[31mat lookup (<anonymous>:3:9)\u001b[0m", "at main"],
    };
    const page = html(notebook(code("x", [error])));
    expect(page).toContain('<pre class="tn-output error">RangeError: index &lt;7&gt; out of range\nat lookup (&lt;anonymous&gt;:3:9)\nat main</pre>');
    expect(page).not.toContain("\u001b");
  });

  it("renders published figures as a table of names and compact values", () => {
    const figures = { loss: 0.123456789, steps: 1000, heads: [1, 2, 3], model: { d_model: 64, name: "tiny" } };
    const page = html(notebook(code("x", [display({ [FIGURES_MIME]: figures, "text/plain": "FIGURES-PLAIN" })])));
    expect(page).toContain("<caption>Published figures</caption>");
    for (const [name, value] of [["loss", "0.123457"], ["steps", "1000"], ["heads", "[1, 2, 3]"], ["model.d_model", "64"], ["model.name", "tiny"]]) {
      expect(page).toContain(`<th scope="row"><code>${name}</code></th><td>${value}</td>`);
    }
    expect(page).not.toContain("FIGURES-PLAIN");
    // A JSON string is accepted too.
    expect(html(notebook(code("x", [display({ [FIGURES_MIME]: JSON.stringify({ acc: 0.5 }) })])))).toContain("<code>acc</code></th><td>0.5</td>");
  });

  it("formats numbers to at most 6 significant digits", () => {
    expect(formatNumber(3.14159265)).toBe("3.14159");
    expect(formatNumber(123456789)).toBe("123456789");
    expect(formatNumber(1.23456789e-7)).toBe("1.23457e-7");
    expect(formatNumber(Number.NaN)).toBe("NaN");
  });
});

describe("plots", () => {
  it("inlines plotly.js once, in the head, with one Plotly.newPlot per plot and no kernel html", () => {
    const page = fullPage(notebook(code("a", [plot("first")]), code("b", [plot("second")])));
    expect(count(page, plotlySignature)).toBe(1);
    expect(page.indexOf(plotlySignature)).toBeLessThan(page.indexOf("</head>"));
    expect(count(body(page), "Plotly.newPlot(")).toBe(2);
    expect(count(page, 'class="tn-plot"')).toBe(2);
    expect(page).toContain('id="tn-plot-1"');
    expect(page).toContain('id="tn-plot-2"');
    expect(page).toContain('"text":"second"');
    expect(page).not.toContain("KERNEL-PLOT-HTML");
    expect(page).not.toContain("the kernel's own plotly.js copy");
  });

  it("passes an animation's frames to Plotly.newPlot", () => {
    const animated = display({ [PLOTLY_MIME]: { data: [{ type: "heatmap", z: [[0]] }], layout: {}, frames: [{ name: "step 1", data: [] }] }, "text/plain": "" });
    const page = fullPage(notebook(code("show(fig)", [animated])));
    expect(body(page)).toContain('"frames":[{"name":"step 1","data":[]}]');
  });

  it("skips the kernel's plotly.js loader output (the page has its own copy)", () => {
    const loader: Output = {
      output_type: "display_data",
      data: { "text/html": "<script>KERNEL-PLOTLY-LOADER</script>", "text/plain": "" },
      metadata: { [OUTPUT_ROLE_KEY]: PLOTLY_LIBRARY_ROLE },
    };
    const page = fullPage(notebook(code("show(fig)", [loader, plot("only")])));
    expect(page).not.toContain("KERNEL-PLOTLY-LOADER");
    expect(count(page, plotlySignature)).toBe(1);
    expect(count(body(page), "Plotly.newPlot(")).toBe(1);
  });

  it("never falls back to a plot bundle's text/html, even when the figure is unusable", () => {
    const broken = display({ [PLOTLY_MIME]: { layout: {} }, "text/html": "<div>KERNEL-PLOT-HTML</div>", "text/plain": "PLOT-PLAIN" });
    const page = fullPage(notebook(code("x", [broken])));
    expect(page).not.toContain("KERNEL-PLOT-HTML");
    expect(page).toContain("PLOT-PLAIN");
    expect(page).not.toContain(plotlySignature);
  });

  it("keeps figure JSON from closing its script element", () => {
    const evil = display({ [PLOTLY_MIME]: { data: [], layout: { title: "</script><b>pwned</b>" } } });
    const page = html(notebook(code("x", [evil])));
    expect(page).not.toContain("</script><b>");
    expect(page).toContain("\\u003c/script>\\u003cb>pwned");
    expect(count(page, "<script>")).toBe(count(page, "</script>"));
  });

  it("leaves the inlined plotly.js unable to end its script element early", () => {
    const page = fullPage(notebook(code("x", [plot("p")])));
    const head = page.slice(0, page.indexOf("</head>"));
    expect(count(head.toLowerCase(), "</script")).toBe(1);
    expect(head).not.toContain("<!--");
  });

  it("accepts a figure given as a JSON string", () => {
    const page = fullPage(notebook(code("x", [display({ [PLOTLY_MIME]: JSON.stringify({ data: [{ type: "bar", y: [1] }] }) })])));
    expect(count(body(page), "Plotly.newPlot(")).toBe(1);
    expect(page).toContain('[{"type":"bar","y":[1]}]');
  });
});

describe("the page", () => {
  it("is small and carries neither plotly.js nor KaTeX without plots or math", () => {
    const page = fullPage(notebook(md("# Plain\n\nJust text."), code("1 + 1", [display({ "text/plain": "2" })])));
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain("<title>Plain</title>");
    expect(page).not.toContain(plotlySignature);
    expect(page).not.toContain("Plotly");
    expect(hasKatexCss(page)).toBe(false);
    expect(Buffer.byteLength(page)).toBeLessThan(50_000);
  });

  it("inlines the KaTeX CSS once, with woff2 fonts as data: URIs only", () => {
    const page = fullPage(notebook(md("$a$"), md("$$b$$"), code("x", [display({ "text/latex": "c" })])));
    expect(count(page, KATEX_FONT_FACE + ";font-style:normal;font-weight:400;src:")).toBe(1);
    expect(count(page, "@font-face")).toBeGreaterThan(10);
    expect(count(page, "data:font/woff2;base64,")).toBe(count(page, "@font-face"));
    expect(page).not.toMatch(/url\(\s*["']?fonts\//);
    expect(page).not.toMatch(/\.(woff|ttf)\b/);
  });

  it("references no http(s) resources, only the links the notebook wrote", () => {
    const page = fullPage(notebook(md("# T\n\nSee [the paper](https://arxiv.org/abs/1706.03762), $x_1$."), code("p", [plot("p")])));
    expect(page).toContain('<a href="https://arxiv.org/abs/1706.03762">the paper</a>');
    expect(page).not.toMatch(/\bsrc\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(page).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    expect(page).not.toMatch(/@import/i);
    expect(page).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/<script[^>]*\ssrc\b/i);
  });

  it("has a header with the source name, navigation links and a footer", () => {
    const page = exportHandout(notebook(md("# Attention")), {
      sourceName: "02-attention.ipynb",
      indexHref: "index.html",
      prev: { href: "01-embed.html", title: "Embeddings" },
      next: { href: "03-mlp.html", title: "The <MLP>" },
    });
    expect(page).toMatch(/<header[^>]*>.*02-attention\.ipynb/);
    expect(page).toContain('rel="prev" href="01-embed.html">← Embeddings</a>');
    expect(page).toContain('href="index.html">Index</a>');
    expect(page).toContain('rel="next" href="03-mlp.html">The &lt;MLP&gt; →</a>');
    expect(page).toMatch(/<footer[^>]*>.*02-attention\.ipynb/);
    expect(page).toContain("<title>Attention</title>");
  });

  it("uses an explicit title and renders raw cells as preformatted text", () => {
    const raw: Cell = { cell_type: "raw", metadata: {}, source: "<raw & unrendered>" };
    const page = exportHandout(notebook(md("# Heading"), raw), { sourceName: "t.ipynb", title: "Given <title>" });
    expect(page).toContain("<title>Given &lt;title&gt;</title>");
    expect(page).toContain("<pre>&lt;raw &amp; unrendered&gt;</pre>");
  });
});

describe("notebookTitle", () => {
  it("picks the first level-1 heading of a markdown cell", () => {
    const nb = notebook(
      code("// # not a heading"),
      md("Intro\n\n```\n# a comment in a code block\n```\n\n## Subtitle first"),
      md(["# The *softmax* of `QK`\n", "\n", "# Second"]),
      md("# Third"),
    );
    expect(notebookTitle(nb, "fallback.ipynb")).toBe("The softmax of QK");
  });

  it("falls back when there is no heading", () => {
    expect(notebookTitle(notebook(md("## only a subtitle"), code("# x")), "fallback.ipynb")).toBe("fallback.ipynb");
  });
});

describe("exportIndex", () => {
  const entries: IndexEntry[] = [
    { href: "02-b.html", title: "Zeta <two>", sourceName: "02-b.ipynb", status: "ok", seconds: 12.345, cells: 9 },
    { href: "00-a.html", title: "Alpha", sourceName: "00-a.ipynb", status: "failed", seconds: 1 },
    { href: "01-c.html", title: "Mid", sourceName: "01-c.ipynb", status: "ok" },
  ];

  it("lists the notebooks in the given order with links, status and time", () => {
    const page = exportIndex(entries, { title: "Course" });
    const positions = ['href="02-b.html"', 'href="00-a.html"', 'href="01-c.html"'].map((s) => page.indexOf(s));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(page).toContain(">Zeta &lt;two&gt;</a>");
    expect(page).toContain("12.3 s");
    expect(page).toContain('<td class="tn-failed">failed</td>');
    expect(count(page, '<td class="tn-ok">ok</td>')).toBe(2);
    expect(page).toContain("3 notebooks, 1 failed");
    expect(page).toContain("<title>Course</title>");
  });

  it("carries neither plotly.js nor KaTeX", () => {
    const page = exportIndex(entries);
    expect(page).not.toContain("Plotly");
    expect(hasKatexCss(page)).toBe(false);
    expect(Buffer.byteLength(page)).toBeLessThan(50_000);
  });
});
