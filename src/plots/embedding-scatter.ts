/**
 * Embeddings in the plane: one labelled point per vector. Vectors of two
 * values are drawn as they are; longer ones are projected onto their first
 * two principal components ({@link pca2}), and the axes say how much of the
 * variance each keeps.
 */
import type { Figure } from "../figure";
import { plotlyText } from "./labels";
import { pca2 } from "./pca";

/** Options for {@link embeddingScatterFigure}. */
export interface EmbeddingScatterOptions {
  /** Figure title; none by default. */
  title?: string;
  /** Where each label sits relative to its point; default "top center". */
  textPosition?: string;
}

/** "87.3" for 0.8734, "100" for 1. */
function percent(fraction: number): string {
  return String(Math.round(fraction * 1000) / 10);
}

/**
 * A scatter of `vectors` with `labels` written at the points. Two-value
 * vectors are plotted unchanged (axes "dimension 0", "dimension 1"); longer
 * ones by PCA (axes "PC 1 (xx% of variance)", "PC 2 (...)"). Both axes use
 * the same scale so distances read true. Throws when the label count differs
 * from the vector count, or (via pca2) on ragged or empty input, or on
 * vectors of one value.
 */
export function embeddingScatterFigure(vectors: number[][], labels: string[], options: EmbeddingScatterOptions = {}): Figure {
  if (labels.length !== vectors.length) throw new Error(`embedding scatter has ${vectors.length} vectors but ${labels.length} labels`);
  if (vectors.length === 0) throw new Error("embedding scatter needs at least one vector");
  const d = vectors[0].length;
  if (d < 2) throw new Error(`embedding scatter needs vectors of at least 2 values, vector 0 has ${d}`);
  let points: number[][];
  let xTitle: string;
  let yTitle: string;
  if (vectors.every((v) => v.length === 2)) {
    points = vectors.map((v) => [v[0], v[1]]);
    xTitle = "dimension 0";
    yTitle = "dimension 1";
  } else {
    const p = pca2(vectors);
    points = p.points;
    xTitle = `PC 1 (${percent(p.explained[0])}% of variance)`;
    yTitle = `PC 2 (${percent(p.explained[1])}% of variance)`;
  }
  const text = labels.map(plotlyText);
  return {
    data: [
      {
        type: "scatter",
        mode: "markers+text",
        x: points.map((p) => p[0]),
        y: points.map((p) => p[1]),
        text,
        textposition: options.textPosition ?? "top center",
        hovertemplate: "%{text}<br>(%{x:.4f}, %{y:.4f})<extra></extra>",
        marker: { size: 9 },
      },
    ],
    layout: {
      title: options.title ? { text: plotlyText(options.title) } : undefined,
      xaxis: { title: { text: xTitle }, zeroline: true },
      yaxis: { title: { text: yTitle }, zeroline: true, scaleanchor: "x" },
      margin: { l: 70, r: 20, t: options.title ? 60 : 30, b: 60 },
      height: 450,
      showlegend: false,
    },
  };
}
