import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { setupBackend } from "../../src/backend";

describe("setupBackend", () => {
  afterAll(async () => {
    await setupBackend({ prefer: "wasm", log: null }); // leave the default behind for any later file in this worker
  });

  it("picks wasm in Node (tfjs-node is not installed here), says so once, and keeps its choice", async () => {
    const lines: string[] = [];
    const first = await setupBackend({ log: (l) => lines.push(l) });
    expect(first.name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    const again = await setupBackend({ log: (l) => lines.push(l) });
    expect(again).toBe(first);
    expect(lines).toEqual(["tfjs backend: wasm (the default in Node)"]);
  });

  it("switches when another backend is asked for", async () => {
    const lines: string[] = [];
    const cpu = await setupBackend({ prefer: "cpu", log: (l) => lines.push(l) });
    expect(cpu).toEqual({ name: "cpu", reason: "requested" });
    expect(tf.getBackend()).toBe("cpu");
    expect(lines).toEqual(["tfjs backend: cpu (requested)"]);
  });

  it("refuses a backend that cannot start, naming it", async () => {
    await expect(setupBackend({ prefer: "tensorflow", log: null })).rejects.toThrow("no tfjs backend could be started (tried tensorflow)");
  });
});
