/**
 * kernel/tslab-internals.ts reaches into tslab; these tests pin what it relies
 * on, so an upgrade of tslab fails here and not in a notebook.
 */
import { describe, expect, it, vi } from "vitest";
import * as path from "path";
import { installedTslabVersion, serializeSends, TSLAB_VERSION, writeDisplayData } from "../kernel/tslab-internals";

const ROOT = path.resolve(__dirname, "..");
const req = (sub: string) => require(require.resolve(`tslab/${sub}`, { paths: [ROOT] }));

describe("tslab internals", () => {
  it("is the pinned version", () => {
    expect(installedTslabVersion()).toBe(TSLAB_VERSION);
    expect(require(path.join(ROOT, "package.json")).dependencies.tslab).toBe(TSLAB_VERSION);
  });

  it("keeps the current cell's display writer in jupyter.lastWriteDisplayData", () => {
    const jupyter = req("dist/jupyter.js");
    expect("lastWriteDisplayData" in jupyter).toBe(true);
    // Outside a kernel there is no writer: writeDisplayData says so instead of throwing.
    expect(jupyter.lastWriteDisplayData).toBeNull();
    expect(writeDisplayData({ data: { "text/plain": "x" }, metadata: {}, transient: {} }, false)).toBe(false);
  });

  it("sends our bundle through that writer unchanged", () => {
    const jupyter = req("dist/jupyter.js");
    const seen: unknown[] = [];
    jupyter.lastWriteDisplayData = (content: unknown, update: boolean) => seen.push([content, update]);
    try {
      const content = { data: { "text/plain": "x", "application/json": { a: 1 } }, metadata: {}, transient: { display_id: "d" } };
      expect(writeDisplayData(content, true)).toBe(true);
      expect(seen).toEqual([[content, true]]);
    } finally {
      jupyter.lastWriteDisplayData = null;
    }
  });

  it("has the pieces startKernel assembles", () => {
    expect(typeof req("dist/converter.js").createConverter).toBe("function");
    expect(typeof req("dist/executor.js").createExecutor).toBe("function");
    const jupyter = req("dist/jupyter.js");
    expect(typeof jupyter.ZmqServer).toBe("function");
    expect(typeof jupyter.JupyterHandlerImpl).toBe("function");
  });
});

describe("serializeSends", () => {
  it("starts a send only after the previous one has finished, in order", async () => {
    const log: string[] = [];
    let inFlight = 0;
    const socket = {
      send: async (m: unknown) => {
        if (inFlight > 0) throw new Error("Socket is busy writing"); // what zeromq 6 does
        inFlight += 1;
        log.push(`start ${String(m)}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${String(m)}`);
        inFlight -= 1;
      },
    };
    const queued = serializeSends(socket);
    await Promise.all([queued.send("a"), queued.send("b"), queued.send("c")]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("a failed send is reported and the next one still goes out", async () => {
    const sent: string[] = [];
    const errors: unknown[] = [];
    const socket = {
      send: async (m: unknown) => {
        if (m === "bad") throw new Error("boom");
        sent.push(String(m));
      },
    };
    const queued = serializeSends(socket, (e) => errors.push(e));
    await Promise.all([queued.send("bad"), queued.send("good")]);
    expect(sent).toEqual(["good"]);
    expect(String(errors[0])).toContain("boom");
  });

  it("wraps a real zeromq socket, whose send cannot be assigned", async () => {
    const zmq = await import("zeromq");
    const socket = new zmq.Publisher();
    try {
      expect(() => {
        "use strict";
        (socket as unknown as { send: unknown }).send = () => undefined;
      }).toThrow(/read only/);
      const queued = serializeSends(socket as unknown as { send: (m: unknown) => Promise<void> }) as unknown as typeof socket;
      expect(queued.send).not.toBe(socket.send);
      expect(queued.closed).toBe(false); // everything else is the socket's own
      queued.close();
      expect(socket.closed).toBe(true);
    } finally {
      socket.close();
    }
  });
});

describe("serializeSends when idle", () => {
  it("starts a send at once (in the same tick) when none is in flight", () => {
    const started: string[] = [];
    const queued = serializeSends({ send: async (m: unknown) => void started.push(String(m)) });
    void queued.send("now");
    expect(started).toEqual(["now"]); // synchronously: tslab closes the socket right after its last send
  });
});

describe("serializeSends' default report", () => {
  it("never writes through console (tslab sends stderr to iopub: a loop) and stays quiet after close", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const queued = serializeSends({
        send: async () => {
          throw new Error("Socket is closed");
        },
      });
      await queued.send("late");
      await queued.send("later");
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
