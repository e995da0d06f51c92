/**
 * What every layer with weights shares: its trainable variables, listed by
 * `parameters()` (micrograd's `Module.parameters()`), so a training loop, a
 * parameter count and `dispose` need to know nothing else about it.
 */
import * as tf from "@tensorflow/tfjs";

export interface Module {
  /** Every trainable variable of this module and its sub-modules, each once. */
  parameters(): tf.Variable[];
}

/** The number of trainable scalars in a module. */
export function countParameters(module: Module): number {
  return module.parameters().reduce((n, p) => n + p.size, 0);
}

/** Frees the variables of a module (it cannot be used afterwards). */
export function disposeModule(module: Module): void {
  for (const p of module.parameters()) p.dispose();
}

/** Makes a trainable variable from an initial tensor, which it takes over (disposes). */
export function makeVariable(initial: tf.Tensor, name?: string): tf.Variable {
  const v = tf.variable(initial, true, name ? `${name}_${nextId++}` : undefined);
  initial.dispose();
  return v;
}
let nextId = 0;
