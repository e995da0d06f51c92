/**
 * The Jupyter messaging protocol (version 5.3) on the wire: building, signing,
 * serialising and parsing the multipart ZeroMQ frames of one message.
 *
 * A message on the wire is
 *   [routing ids..., "<IDS|MSG>", hmac, header, parent_header, metadata, content, buffers...]
 * where hmac = HMAC-SHA256(key, header + parent_header + metadata + content) in hex.
 * Pure functions only; the sockets live in client.ts.
 */
import { createHmac, randomUUID, timingSafeEqual } from "crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = "<IDS|MSG>";

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface Message<C = Record<string, unknown>> {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

/** Thrown for frames that are not a well-formed, correctly signed message. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** Makes a new message of `msgType` for `session`, optionally as a reply to `parent`. */
export function makeMessage<C>(
  msgType: string,
  content: C,
  session: string,
  parent?: MessageHeader,
): Message<C> {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: "transformer-notebooks",
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: parent ?? {},
    metadata: {},
    content,
    buffers: [],
  };
}

/** HMAC-SHA256 over the four JSON frames, in lower-case hex. */
export function sign(key: string, frames: readonly (string | Buffer)[]): string {
  if (key === "") throw new ProtocolError("refusing an empty HMAC key: tslab never answers unsigned messages");
  const hmac = createHmac("sha256", key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest("hex");
}

/** The frames of a message, signed with `key`, ready for a socket's send(). */
export function serialize(msg: Message<unknown>, key: string, routingIds: Buffer[] = []): (string | Buffer)[] {
  const parts = [
    JSON.stringify(msg.header),
    JSON.stringify(msg.parent_header),
    JSON.stringify(msg.metadata),
    JSON.stringify(msg.content),
  ];
  return [...routingIds, DELIMITER, sign(key, parts), ...parts, ...msg.buffers];
}

function parseJson(frame: Buffer, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(frame.toString("utf8"));
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch (err) {
    throw new ProtocolError(`the ${what} frame is not a JSON object (${(err as Error).message})`);
  }
}

/**
 * Parses and verifies received frames. Throws ProtocolError on a missing
 * delimiter, a bad signature or malformed JSON.
 */
export function deserialize(frames: readonly Buffer[], key: string): Message & { routingIds: Buffer[] } {
  const at = frames.findIndex((f) => f.toString("utf8") === DELIMITER);
  if (at < 0) throw new ProtocolError("no <IDS|MSG> delimiter in the frames");
  if (frames.length < at + 6) throw new ProtocolError(`expected 5 frames after the delimiter, got ${frames.length - at - 1}`);
  const [signature, header, parent, metadata, content] = frames.slice(at + 1, at + 6);
  const expected = Buffer.from(sign(key, [header, parent, metadata, content]), "utf8");
  const given = Buffer.from(signature.toString("utf8"), "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ProtocolError("bad message signature (HMAC mismatch)");
  }
  const h = parseJson(header, "header");
  if (typeof h.msg_type !== "string" || typeof h.msg_id !== "string") {
    throw new ProtocolError("the header lacks msg_id or msg_type");
  }
  return {
    routingIds: frames.slice(0, at),
    header: h as unknown as MessageHeader,
    parent_header: parseJson(parent, "parent_header") as Partial<MessageHeader>,
    metadata: parseJson(metadata, "metadata"),
    content: parseJson(content, "content"),
    buffers: frames.slice(at + 6),
  };
}

/** The connection file a kernel reads at start: where to bind and how to sign. */
export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name?: string;
}
