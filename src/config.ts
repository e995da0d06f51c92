/**
 * One typed, frozen configuration for every model in the course, with a
 * documented default per field and two presets:
 *
 * - `BASE`: the original paper's base model (dModel 512, 8 heads, dFF 2048,
 *   6 layers).
 * - `TINY`: small enough that a notebook or a test trains it in seconds.
 *
 * `makeConfig` validates when the config is made and throws with a message
 * naming the values (`dModel 10 is not divisible by nHeads 4`). Derived sizes
 * (`dK`, the width of one head) are computed, never set by hand.
 */

/** Where layer norm sits around each sub-layer; see `src/encoder.ts`. */
export type NormPlacement = "post" | "pre";
/** The feed-forward activation; see `src/feed-forward.ts`. */
export type Activation = "relu" | "gelu";

export interface TransformerConfig {
  /** Number of distinct token ids. Default 1000. */
  readonly vocabSize: number;
  /** Width of every token vector between sub-layers (the article's d_model). Default 512. */
  readonly dModel: number;
  /** Number of attention heads h. Must divide dModel. Default 8. */
  readonly nHeads: number;
  /** Width of one head's queries and keys, dModel / nHeads (derived). */
  readonly dK: number;
  /** Hidden width of the feed-forward network. Default 2048 (4 x dModel). */
  readonly dFF: number;
  /** Number of stacked encoder (and decoder) layers N. Default 6. */
  readonly nLayers: number;
  /** Longest sequence the positional encoding covers. Default 512. */
  readonly maxLen: number;
  /** Dropout probability while training, in [0, 1). Default 0.1. */
  readonly dropout: number;
  /** Layer norm after each residual sum ("post", the paper) or before each sub-layer ("pre"). Default "post". */
  readonly norm: NormPlacement;
  /** Feed-forward activation. Default "relu" (the paper's). */
  readonly activation: Activation;
  /** Layer norm's epsilon. Default 1e-6. */
  readonly eps: number;
  /** Seed of every random initialisation. Default 0. */
  readonly seed: number;
}

/** Every field but the derived ones. */
export type ConfigInput = Partial<Omit<TransformerConfig, "dK">>;

const DEFAULTS: Omit<TransformerConfig, "dK"> = {
  vocabSize: 1000,
  dModel: 512,
  nHeads: 8,
  dFF: 2048,
  nLayers: 6,
  maxLen: 512,
  dropout: 0.1,
  norm: "post",
  activation: "relu",
  eps: 1e-6,
  seed: 0,
};

const POSITIVE_INTEGERS = ["vocabSize", "dModel", "nHeads", "dFF", "nLayers", "maxLen"] as const;

/**
 * Makes a validated, frozen config: `base` (default: the paper's values) with
 * `overrides` on top. Unknown fields are refused, so a typo does not pass silently.
 */
export function makeConfig(overrides: ConfigInput = {}, base: ConfigInput = DEFAULTS): TransformerConfig {
  for (const key of Object.keys(overrides)) {
    if (!(key in DEFAULTS)) {
      throw new Error(`unknown config field "${key}" (known: ${Object.keys(DEFAULTS).join(", ")})`);
    }
  }
  const c = { ...DEFAULTS, ...stripDerived(base), ...overrides };
  for (const key of POSITIVE_INTEGERS) {
    const v = c[key];
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${key} must be a positive integer, got ${v}`);
  }
  if (c.dModel % c.nHeads !== 0) throw new Error(`dModel ${c.dModel} is not divisible by nHeads ${c.nHeads}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new Error(`dropout must be in [0, 1), got ${c.dropout}`);
  if (c.norm !== "post" && c.norm !== "pre") throw new Error(`norm must be "post" or "pre", got ${String(c.norm)}`);
  if (c.activation !== "relu" && c.activation !== "gelu") {
    throw new Error(`activation must be "relu" or "gelu", got ${String(c.activation)}`);
  }
  if (!(c.eps > 0)) throw new Error(`eps must be positive, got ${c.eps}`);
  if (!Number.isInteger(c.seed)) throw new Error(`seed must be an integer, got ${c.seed}`);
  return Object.freeze({ ...c, dK: c.dModel / c.nHeads });
}

function stripDerived(c: ConfigInput | TransformerConfig): ConfigInput {
  const { dK: _dK, ...rest } = c as TransformerConfig;
  return rest;
}

/** The paper's base model: dModel 512, h 8, dFF 2048, N 6 (about 65M parameters with its 37k vocabulary). */
export const BASE: TransformerConfig = makeConfig({ vocabSize: 37000 });

/** A model for notebooks and tests: dModel 32, 4 heads of 8, dFF 64, 2 layers. */
export const TINY: TransformerConfig = makeConfig({
  vocabSize: 64,
  dModel: 32,
  nHeads: 4,
  dFF: 64,
  nLayers: 2,
  maxLen: 64,
  dropout: 0,
});
