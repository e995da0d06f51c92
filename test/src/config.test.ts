import { describe, expect, it } from "vitest";
import { BASE, makeConfig, TINY } from "../../src/config";

describe("config", () => {
  it("BASE is the paper's base model", () => {
    expect([BASE.dModel, BASE.nHeads, BASE.dFF, BASE.nLayers, BASE.dK]).toEqual([512, 8, 2048, 6, 64]); // dK = 512 / 8
    expect(BASE.norm).toBe("post");
  });

  it("TINY is small and valid", () => {
    expect(TINY.dK).toBe(8); // 32 / 4
    expect(TINY.dModel).toBeLessThan(BASE.dModel);
  });

  it("is frozen", () => {
    expect(Object.isFrozen(TINY)).toBe(true);
    expect(() => {
      (TINY as { dModel: number }).dModel = 3;
    }).toThrow();
  });

  it("overrides on a base, recomputing dK", () => {
    const c = makeConfig({ dModel: 64 }, TINY);
    expect([c.dModel, c.nHeads, c.dK, c.nLayers]).toEqual([64, 4, 16, 2]);
  });

  it("throws when dModel % nHeads != 0", () => {
    expect(() => makeConfig({ dModel: 10, nHeads: 4 })).toThrow("dModel 10 is not divisible by nHeads 4");
  });

  it("names every other invalid value", () => {
    expect(() => makeConfig({ nLayers: 0 })).toThrow("nLayers must be a positive integer, got 0");
    expect(() => makeConfig({ dFF: 1.5 })).toThrow("dFF must be a positive integer, got 1.5");
    expect(() => makeConfig({ dropout: 1 })).toThrow("dropout must be in [0, 1), got 1");
    expect(() => makeConfig({ norm: "middle" as "pre" })).toThrow('norm must be "post" or "pre", got middle');
    expect(() => makeConfig({ activation: "tanh" as "relu" })).toThrow('activation must be "relu" or "gelu", got tanh');
    expect(() => makeConfig({ dModle: 4 } as object)).toThrow('unknown config field "dModle"');
  });
});
