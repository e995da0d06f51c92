import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "child_process";
import * as path from "path";
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
    expect(lines).toEqual(["tfjs backend: wasm (the default in Node; 2 threads, fast kernels)"]); // 2 cores here
    expect(first).toMatchObject({ threads: 2, fastKernels: true });
  });

  it("switches when another backend is asked for", async () => {
    const lines: string[] = [];
    const cpu = await setupBackend({ prefer: "cpu", log: (l) => lines.push(l) });
    expect(cpu).toEqual({ name: "cpu", reason: "requested" });
    expect(tf.getBackend()).toBe("cpu");
    expect(lines).toEqual(["tfjs backend: cpu (requested)"]);
  });

  it("puts the shipped kernels back and brings the fast ones again, on request", async () => {
    const stock = await setupBackend({ prefer: "wasm", fastKernels: false, log: null });
    expect(stock.fastKernels).toBe(false);
    expect(tf.getKernel("UnsortedSegmentSum", "wasm")).toBeUndefined();
    const fast = await setupBackend({ prefer: "wasm", log: null });
    expect(fast.fastKernels).toBe(true);
    expect(tf.getKernel("UnsortedSegmentSum", "wasm")).toBeDefined();
  });

  it("refuses a thread count it cannot honour, saying why", async () => {
    await expect(setupBackend({ threads: 3, log: null })).rejects.toThrow("the wasm backend already runs with 2 threads; the count is fixed when it starts");
    await expect(setupBackend({ threads: 0, log: null })).rejects.toThrow("threads must be an integer from 1 to 8, got 0");
  });

  it("lets a process with a 2-thread wasm backend exit by itself when its work is done", () => {
    const script = [
      `const tf = require(${JSON.stringify(require.resolve("@tensorflow/tfjs"))});`,
      `const { setupBackend } = require(${JSON.stringify(path.resolve(__dirname, "../../build/lib/src/backend.js"))});`,
      "setupBackend({ threads: 2, log: null }).then((b) => {",
      "  const y = tf.matMul(tf.ones([256, 256]), tf.ones([256, 256]));",
      "  console.log(JSON.stringify({ threads: b.threads, value: y.dataSync()[0] }));",
      "});",
    ].join("\n");
    const started = Date.now();
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ threads: 2, value: 256 });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("refuses a backend that cannot start, naming it", async () => {
    await expect(setupBackend({ prefer: "tensorflow", log: null })).rejects.toThrow("no tfjs backend could be started (tried tensorflow)");
  });
});
