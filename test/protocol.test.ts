import { describe, expect, it } from "vitest";
import { createHmac } from "crypto";
import { deserialize, makeMessage, ProtocolError, serialize, sign } from "../kernel/protocol";

const KEY = "a-test-key";

describe("sign", () => {
  it("is HMAC-SHA256 over the frames in order (the RFC/Wikipedia test vector)", () => {
    // HMAC_SHA256("key", "The quick brown fox jumps over the lazy dog"), a published value.
    expect(sign("key", ["The quick ", "brown fox ", "jumps over ", "the lazy dog"])).toBe(
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
    );
  });

  it("refuses an empty key (tslab never answers unsigned messages)", () => {
    expect(() => sign("", ["x"])).toThrow(/empty HMAC key/);
  });
});

describe("serialize / deserialize", () => {
  const msg = makeMessage("execute_request", { code: "1 + 1" }, "session-1");

  it("lays out routing ids, delimiter, signature, four JSON frames", () => {
    const frames = serialize(msg, KEY, [Buffer.from("router-id")]);
    expect(frames[0].toString()).toBe("router-id");
    expect(frames[1]).toBe("<IDS|MSG>");
    const json = frames.slice(3, 7).map(String);
    const expected = createHmac("sha256", KEY).update(json.join("")).digest("hex");
    expect(frames[2]).toBe(expected);
    expect(JSON.parse(json[0]).msg_type).toBe("execute_request");
    expect(JSON.parse(json[3])).toEqual({ code: "1 + 1" });
  });

  it("round-trips a message", () => {
    const frames = serialize(msg, KEY, [Buffer.from("id")]).map((f) => Buffer.from(f));
    const back = deserialize(frames, KEY);
    expect(back.header).toEqual(msg.header);
    expect(back.content).toEqual({ code: "1 + 1" });
    expect(back.routingIds.map(String)).toEqual(["id"]);
    expect(back.header.version).toBe("5.3");
  });

  it("rejects a tampered content frame", () => {
    const frames = serialize(msg, KEY).map((f) => Buffer.from(f));
    frames[5] = Buffer.from(JSON.stringify({ code: "rm -rf /" }));
    expect(() => deserialize(frames, KEY)).toThrow(/signature/);
  });

  it("rejects a message signed with another key", () => {
    const frames = serialize(msg, "other-key").map((f) => Buffer.from(f));
    expect(() => deserialize(frames, KEY)).toThrow(ProtocolError);
  });

  it("rejects frames without the delimiter or with too few parts", () => {
    expect(() => deserialize([Buffer.from("{}")], KEY)).toThrow(/delimiter/);
    expect(() => deserialize([Buffer.from("<IDS|MSG>"), Buffer.from("sig")], KEY)).toThrow(/5 frames/);
  });

  it("keeps the parent header of a reply", () => {
    const reply = makeMessage("execute_reply", { status: "ok" }, "session-1", msg.header);
    expect(reply.parent_header.msg_id).toBe(msg.header.msg_id);
    expect(reply.header.msg_id).not.toBe(msg.header.msg_id);
  });
});
