/**
 * A Jupyter client for one kernel process: starts the kernelspec's command,
 * connects over ZeroMQ (shell and control as DEALER, iopub as SUB), signs every
 * message with a fresh random key, and runs code one request at a time.
 *
 * tslab specifics it copes with (see DESIGN.md):
 * - a failing cell sends no iopub `error`; its text arrives as a stderr stream
 *   and the reply says status "error" with no ename/evalue/traceback;
 * - for about 200 ms after an error every request is answered "abort" and runs
 *   nothing: `execute` waits that window out and retries an aborted request;
 * - the kernel never answers an unsigned message, so the key is never empty.
 */
import { spawn, type ChildProcess } from "child_process";
import { randomBytes, randomUUID } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as zmq from "zeromq";
import type { KernelSpec } from "./kernelspec";
import { deserialize, makeMessage, serialize, type ConnectionInfo, type Message } from "./protocol";

/** An iopub message that belongs to one request. */
export type IopubMessage = Message;

export interface ExecuteOptions {
  /** Milliseconds before the cell is interrupted; default: no limit. */
  timeoutMs?: number;
  /** Called for each iopub message of this request as it arrives. */
  onIopub?: (msg: IopubMessage) => void;
}

export interface ExecuteReply {
  /** "ok", "error", or "timeout" (interrupted after timeoutMs). */
  status: "ok" | "error" | "timeout";
  executionCount: number | null;
  /** ename/evalue/traceback when the kernel sent them (tslab does not). */
  content: Record<string, unknown>;
}

/** The kernel process ended while the client was waiting on it. */
export class KernelDiedError extends Error {
  constructor(
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
  ) {
    super(
      `the kernel died (${signal ? `signal ${signal}` : `exit code ${code}`})` +
        (stderrTail.trim() ? `; its last words:\n${stderrTail.trim()}` : ""),
    );
    this.name = "KernelDiedError";
  }
}

export interface StartOptions {
  spec: KernelSpec;
  /** The kernel's working folder; Jupyter uses the notebook's folder. */
  cwd: string;
  /** Milliseconds to wait for the kernel's first answer. */
  startupTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

const STDERR_TAIL = 8 * 1024;
const ABORT_WINDOW_MS = 250;

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Tracks every live kernel so that a signal to the runner can end them all. */
const liveKernels = new Set<KernelClient>();

/** Kills every kernel this process started (used on SIGINT/SIGTERM and exit). */
export function killAllKernels(): void {
  for (const k of liveKernels) k.kill();
}

interface Pending {
  msgId: string;
  reply?: Message;
  idle: boolean;
  onIopub?: (msg: IopubMessage) => void;
  resolve(): void;
}

export class KernelClient {
  private readonly session = randomUUID();
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly pending = new Map<string, Pending>();
  private stderrTail = "";
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitWaiters = new Set<() => void>();
  private closed = false;
  private lastErrorAt = 0;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: ConnectionInfo,
    private readonly connectionFile: string,
  ) {
    liveKernels.add(this);
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    child.stdout?.resume();
    child.on("exit", (code, signal) => {
      this.exitInfo = { code, signal };
      for (const w of this.exitWaiters) w();
      this.exitWaiters.clear();
      this.cleanup();
    });
    const url = (port: number) => `tcp://${connection.ip}:${port}`;
    this.shell.connect(url(connection.shell_port));
    this.control.connect(url(connection.control_port));
    this.iopub.connect(url(connection.iopub_port));
    this.iopub.subscribe();
    void this.readLoop(this.shell);
    void this.readLoop(this.control);
    void this.readLoop(this.iopub);
  }

  /** Starts a kernel from `spec` and waits until shell and iopub both answer. */
  static async start(options: StartOptions): Promise<KernelClient> {
    const [shell, iopub, stdin, control, hb] = await freePorts(5);
    const connection: ConnectionInfo = {
      transport: "tcp",
      ip: "127.0.0.1",
      shell_port: shell,
      iopub_port: iopub,
      stdin_port: stdin,
      control_port: control,
      hb_port: hb,
      key: randomBytes(32).toString("hex"),
      signature_scheme: "hmac-sha256",
      kernel_name: "transformer-notebooks",
    };
    const connectionFile = path.join(os.tmpdir(), `tn-kernel-${randomUUID()}.json`);
    fs.writeFileSync(connectionFile, JSON.stringify(connection), { mode: 0o600 });
    const argv = options.spec.argv.map((a) => a.replace("{connection_file}", connectionFile));
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: { ...process.env, ...options.spec.env, ...options.env, JPY_PARENT_PID: String(process.pid) },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so that kill() ends whatever the kernel started.
      detached: process.platform !== "win32",
    });
    const client = new KernelClient(child, connection, connectionFile);
    try {
      await client.waitReady(options.startupTimeoutMs ?? 60000);
    } catch (err) {
      client.kill();
      throw err;
    }
    return client;
  }

  /** The process id of the kernel. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the kernel process has exited. */
  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** The last few kilobytes the kernel wrote to its real stderr. */
  get stderr(): string {
    return this.stderrTail;
  }

  private async readLoop(socket: zmq.Dealer | zmq.Subscriber): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: Message;
        try {
          msg = deserialize(frames as Buffer[], this.connection.key);
        } catch {
          continue; // not for us, or corrupt: a client must not trust it
        }
        this.dispatch(msg, socket === this.iopub);
      }
    } catch {
      // the socket was closed
    }
  }

  private dispatch(msg: Message, fromIopub: boolean): void {
    const parentId = msg.parent_header.msg_id;
    if (!parentId) return;
    const p = this.pending.get(parentId);
    if (!p) return;
    if (fromIopub) {
      if (msg.header.msg_type === "status" && msg.content.execution_state === "idle") p.idle = true;
      else p.onIopub?.(msg);
    } else if (msg.header.msg_type.endsWith("_reply")) {
      p.reply = msg;
    }
    if (p.reply && p.idle) p.resolve();
  }

  private waitExit(): Promise<void> {
    if (this.exitInfo) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.add(resolve));
  }

  private died(): KernelDiedError {
    return new KernelDiedError(this.exitInfo?.code ?? null, this.exitInfo?.signal ?? null, this.stderrTail);
  }

  /**
   * Sends one request and waits for its reply and the kernel's idle status.
   * Resolves undefined if `timeoutMs` passes first; rejects if the kernel dies.
   */
  private async request(
    socket: zmq.Dealer,
    msgType: string,
    content: Record<string, unknown>,
    timeoutMs: number | undefined,
    onIopub?: (msg: IopubMessage) => void,
  ): Promise<Message | undefined> {
    if (this.exitInfo) throw this.died();
    const msg = makeMessage(msgType, content, this.session);
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const p: Pending = { msgId: msg.header.msg_id, idle: false, onIopub, resolve: resolveDone };
    this.pending.set(p.msgId, p);
    let timer: NodeJS.Timeout | undefined;
    try {
      await socket.send(serialize(msg, this.connection.key));
      const timeout =
        timeoutMs === undefined ? new Promise<never>(() => {}) : new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
      const outcome = await Promise.race([done.then(() => "done" as const), timeout, this.waitExit().then(() => "exit" as const)]);
      if (outcome === "exit") {
        // Let iopub messages already on the wire arrive before giving up.
        await sleep(50);
        if (p.reply && p.idle) return p.reply;
        throw this.died();
      }
      return outcome === "done" ? p.reply : undefined;
    } finally {
      if (timer) clearTimeout(timer);
      this.pending.delete(p.msgId);
    }
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Repeat kernel_info until both its reply and its iopub status arrive: that
    // proves the iopub subscription is live, so no cell output is lost.
    while (Date.now() < deadline) {
      if (this.exitInfo) throw this.died();
      const reply = await this.request(this.shell, "kernel_info_request", {}, Math.min(2000, deadline - Date.now()));
      if (reply) return;
    }
    this.kill();
    throw new Error(`the kernel did not answer within ${Math.round(timeoutMs / 1000)} s; its stderr:\n${this.stderrTail}`);
  }

  /** Runs `code` and resolves with the reply; outputs come through onIopub. */
  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteReply> {
    for (let attempt = 0; ; attempt++) {
      // Wait out tslab's abort window after an error, or the request is dropped.
      const since = Date.now() - this.lastErrorAt;
      if (since < ABORT_WINDOW_MS) await sleep(ABORT_WINDOW_MS - since);
      const reply = await this.request(
        this.shell,
        "execute_request",
        { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
        options.timeoutMs,
        options.onIopub,
      );
      if (!reply) {
        await this.interrupt();
        return { status: "timeout", executionCount: null, content: {} };
      }
      const status = String(reply.content.status);
      const executionCount = typeof reply.content.execution_count === "number" ? reply.content.execution_count : null;
      if ((status === "abort" || status === "aborted") && attempt < 5) {
        this.lastErrorAt = Date.now();
        continue;
      }
      if (status === "ok") return { status: "ok", executionCount, content: reply.content };
      this.lastErrorAt = Date.now();
      return { status: "error", executionCount, content: reply.content };
    }
  }

  /** Interrupts the running cell (SIGINT: the kernelspec's interrupt_mode "signal"). */
  async interrupt(): Promise<void> {
    if (this.exitInfo || !this.child.pid) return;
    try {
      process.kill(this.child.pid, "SIGINT");
    } catch {
      /* already gone */
    }
    this.lastErrorAt = Date.now();
  }

  /** Asks the kernel to shut down, then makes sure it is gone. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (!this.exitInfo) {
      try {
        await this.request(this.control, "shutdown_request", { restart: false }, graceMs);
      } catch {
        /* it died on its own */
      }
      await Promise.race([this.waitExit(), sleep(graceMs)]);
    }
    this.kill();
  }

  /** Kills the kernel's process group now and releases the sockets. */
  kill(): void {
    if (!this.exitInfo && this.child.pid) {
      try {
        if (process.platform === "win32") this.child.kill("SIGKILL");
        else process.kill(-this.child.pid, "SIGKILL");
      } catch {
        try {
          this.child.kill("SIGKILL");
        } catch {
          /* already gone */
        }
      }
    }
    this.cleanup();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    liveKernels.delete(this);
    for (const s of [this.shell, this.control, this.iopub]) s.close();
    fs.rmSync(this.connectionFile, { force: true });
  }
}

