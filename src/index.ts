/**
 * transformer-notebooks: the library the notebooks call, in article order.
 */
export * from "./backend";
export * from "./figure";
export * from "./softmax";
export * from "./heatmap";
