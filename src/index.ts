/**
 * transformer-notebooks: the library the notebooks call, in article order.
 */
// Setting up: the tensor backend, seeded randomness, the config, modules.
export * from "./backend";
export * from "./random";
export * from "./config";
export * from "./module";
export * from "./linear";

// Step 1: tokens and the input embedding.
export * from "./tokenizer";
export * from "./vocabulary";
export * from "./subword";
export * from "./embedding";

// Step 2: positional encoding.
export * from "./positional-encoding";

// Steps 3-5: attention scores, weights and output.
export * from "./softmax";
export * from "./attention";

// Multi-head attention (the paper's, and the article's split-embedding picture).
export * from "./multi-head-attention";
export * from "./split-head-attention";

// Step 6: the feed-forward network.
export * from "./feed-forward";

// Add & Norm and the encoder stack (Figure A).
export * from "./dropout";
export * from "./add-norm";
export * from "./encoder";

// The decoder: masks, masked self-attention and cross-attention (Figure A, right).
export * from "./masks";
export * from "./decoder";

// The whole encoder-decoder, its batches and its loss.
export * from "./batch";
export * from "./label-smoothing";
export * from "./transformer";

// Training: the schedule, the optimizer, clipping, the loop.
export * from "./learning-rate";
export * from "./adam";
export * from "./gradient-clipping";
export * from "./train";

// Decoding a trained model, and scoring translations.
export * from "./decoding";
export * from "./bleu";

// Tasks, generated: copy, reversal, a toy translation.
export * from "./copy-task";
export * from "./toy-translation";

// Step 7: the sentence embedding.
export * from "./sentence-embedding";

// The worked example, computed exactly (mathjs) and written out step by step.
export * from "./worked-example";

// Plots (pure builders of plotly figures).
export * from "./figure";
export * from "./plots/heatmap";
export * from "./plots/attention-map";
export * from "./plots/positional-encoding-plot";
export * from "./plots/pca";
export * from "./plots/embedding-scatter";
export * from "./plots/bar-chart";
export * from "./plots/line-chart";
export * from "./plots/head-view";
export * from "./plots/neuron-view";
export * from "./plots/explorers";
