/**
 * A small GDB Remote Serial Protocol client (the protocol QEMU's gdbstub
 * speaks), enough to drive a riscv64 target instruction by instruction:
 * packets with checksums, acks until QStartNoAckMode, `?`, `g`, `p`, `m`,
 * `s`, `c`, `k`, and the target description (to find CSR register numbers).
 */
import { Socket, connect } from "node:net";

/** The riscv64 general register block: x0..x31 then pc (GDB's numbering 0..32). */
export interface RegisterFile {
  /** x[0..31] as unsigned 64-bit values. */
  x: bigint[];
  pc: bigint;
}

/** One register announced by the target description. */
export interface TargetRegister {
  name: string;
  regnum: number;
  bitsize: number;
}

export class GdbRemoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GdbRemoteError";
  }
}

function checksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum = (sum + body.charCodeAt(i)) & 0xff;
  return sum.toString(16).padStart(2, "0");
}

/** Undo the binary escapes (`}` xor 0x20) and run-length encoding (`*`) of a reply body. */
export function decodeReplyBody(raw: string): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "}") {
      out += String.fromCharCode(raw.charCodeAt(++i) ^ 0x20);
    } else if (c === "*") {
      // The next character encodes a repeat count: count = code - 29.
      const repeat = raw.charCodeAt(++i) - 29;
      out += out[out.length - 1].repeat(repeat);
    } else {
      out += c;
    }
  }
  return out;
}

/** Little-endian hex (as `g`, `p` and `m` send values) to an unsigned bigint. */
export function littleEndianHexToBigInt(hex: string): bigint {
  let value = 0n;
  for (let i = hex.length - 2; i >= 0; i -= 2) value = (value << 8n) | BigInt(parseInt(hex.slice(i, i + 2), 16));
  return value;
}

/** Decode the reply to `g` for a 64-bit target: 33 registers of 16 hex digits each. */
export function parseRegisterBlock(hex: string): RegisterFile {
  if (hex.length < 33 * 16) throw new GdbRemoteError(`register block too short: ${hex.length} hex digits, expected ${33 * 16}`);
  const x: bigint[] = [];
  for (let i = 0; i < 32; i++) x.push(littleEndianHexToBigInt(hex.slice(i * 16, i * 16 + 16)));
  return { x, pc: littleEndianHexToBigInt(hex.slice(32 * 16, 33 * 16)) };
}

export class GdbRemote {
  private buffer = "";
  private waiter: { resolve: (body: string) => void; reject: (error: Error) => void } | undefined;
  private replies: string[] = [];
  private noAck = false;
  private closed: Error | undefined;
  private lastSent = "";
  private registers: TargetRegister[] | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => this.receive(chunk));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new GdbRemoteError("gdbstub connection closed")));
  }

  /** Connect to a gdbstub, retrying until `timeoutMs` (QEMU may still be starting). */
  static async connect(host: string, port: number, timeoutMs = 10_000): Promise<GdbRemote> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect({ host, port }, () => {
            s.off("error", reject);
            resolve(s);
          });
          s.once("error", reject);
        });
        const remote = new GdbRemote(socket);
        await remote.handshake();
        return remote;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  private async handshake(): Promise<void> {
    await this.command("qSupported:swbreak+;hwbreak+;xmlRegisters=riscv");
    if ((await this.command("QStartNoAckMode")) === "OK") this.noAck = true;
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      // Acks and stray bytes before a packet: '+' is fine, '-' asks for a resend.
      let i = 0;
      while (i < this.buffer.length && this.buffer[i] !== "$") {
        if (this.buffer[i] === "-" && !this.noAck) this.socket.write(this.lastSent);
        i++;
      }
      this.buffer = this.buffer.slice(i);
      const hash = this.buffer.indexOf("#");
      if (hash < 0 || this.buffer.length < hash + 3) return;
      const body = this.buffer.slice(1, hash);
      const sum = this.buffer.slice(hash + 1, hash + 3);
      this.buffer = this.buffer.slice(hash + 3);
      if (!this.noAck) {
        if (checksum(body) !== sum.toLowerCase()) {
          this.socket.write("-");
          continue;
        }
        this.socket.write("+");
      }
      // "O" packets are console output from the stub, not replies.
      if (body.startsWith("O") && body !== "OK" && /^O([0-9a-f]{2})+$/.test(body)) continue;
      this.deliver(decodeReplyBody(body));
    }
  }

  private deliver(body: string): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve(body);
    } else {
      this.replies.push(body);
    }
  }

  private nextReply(): Promise<string> {
    const queued = this.replies.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Send one packet; resolves with the reply body (decoded). */
  command(body: string): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    this.lastSent = `$${body}#${checksum(body)}`;
    this.socket.write(this.lastSent);
    return this.nextReply();
  }

  private async expectOk(body: string): Promise<void> {
    const reply = await this.command(body);
    if (reply !== "OK") throw new GdbRemoteError(`${body}: unexpected reply ${reply}`);
  }

  /** `?`: why the target stopped (e.g. "T05thread:p01.01;"). */
  haltReason(): Promise<string> {
    return this.command("?");
  }

  /** `g`: x0..x31 and pc. */
  async readRegisters(): Promise<RegisterFile> {
    const reply = await this.command("g");
    if (reply.startsWith("E")) throw new GdbRemoteError(`g: ${reply}`);
    return parseRegisterBlock(reply);
  }

  /** `p`: one register by GDB number; undefined when the stub cannot read it. */
  async readRegister(regnum: number): Promise<bigint | undefined> {
    const reply = await this.command(`p${regnum.toString(16)}`);
    if (reply === "" || reply.startsWith("E")) return undefined;
    return littleEndianHexToBigInt(reply);
  }

  /** `P`: write one register by GDB number. */
  writeRegister(regnum: number, value: bigint): Promise<void> {
    let hex = "";
    for (let i = 0; i < 8; i++) hex += Number((value >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, "0");
    return this.expectOk(`P${regnum.toString(16)}=${hex}`);
  }

  /** `m`: `length` bytes of guest memory as the current hart sees it (virtual, when paging is on). */
  async readMemory(address: bigint, length: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(length);
    // QEMU answers at most its packet size; ask in pieces well below it.
    for (let done = 0; done < length; ) {
      const chunk = Math.min(0x400, length - done);
      const at = address + BigInt(done);
      const reply = await this.command(`m${at.toString(16)},${chunk.toString(16)}`);
      if (/^E[0-9a-fA-F]{2}$/.test(reply)) throw new GdbRemoteError(`m${at.toString(16)},${chunk.toString(16)}: ${reply}`);
      for (let i = 0; i < chunk; i++) bytes[done + i] = parseInt(reply.slice(2 * i, 2 * i + 2), 16);
      done += chunk;
    }
    return bytes;
  }

  /** `s`: one instruction; resolves with the stop reply. */
  async step(): Promise<string> {
    const reply = await this.command("s");
    if (!reply.startsWith("T") && !reply.startsWith("S")) throw new GdbRemoteError(`s: unexpected stop reply ${reply}`);
    return reply;
  }

  /** `c`: continue until the target stops; resolves with the stop reply. */
  cont(): Promise<string> {
    return this.command("c");
  }

  /** The registers the target description announces (fetched once via qXfer). */
  async targetRegisters(): Promise<TargetRegister[]> {
    if (this.registers) return this.registers;
    const files = new Map<string, string>();
    const read = async (annex: string): Promise<string> => {
      let text = "";
      for (;;) {
        const reply = await this.command(`qXfer:features:read:${annex}:${text.length.toString(16)},ffb`);
        if (reply.startsWith("E") || reply === "") throw new GdbRemoteError(`qXfer ${annex}: ${reply || "unsupported"}`);
        text += reply.slice(1);
        if (reply[0] === "l") return text;
      }
    };
    const pending = ["target.xml"];
    while (pending.length > 0) {
      const annex = pending.shift() as string;
      if (files.has(annex)) continue;
      const text = await read(annex);
      files.set(annex, text);
      for (const m of text.matchAll(/<xi:include\s+href="([^"]+)"/g)) pending.push(m[1]);
    }
    // Registers are numbered in document order (includes expanded in place) unless regnum says otherwise.
    const registers: TargetRegister[] = [];
    let next = 0;
    const walk = (annex: string): void => {
      const text = files.get(annex) ?? "";
      for (const m of text.matchAll(/<xi:include\s+href="([^"]+)"\s*\/>|<reg\s([^>]*)\/?>/g)) {
        if (m[1]) {
          walk(m[1]);
          continue;
        }
        const attribute = (name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(m[2])?.[1];
        const regnum = attribute("regnum") !== undefined ? Number(attribute("regnum")) : next;
        registers.push({ name: attribute("name") ?? `r${regnum}`, regnum, bitsize: Number(attribute("bitsize") ?? 64) });
        next = regnum + 1;
      }
    };
    walk("target.xml");
    this.registers = registers;
    return registers;
  }

  /** GDB register number of a named register (e.g. "mstatus"), or undefined. */
  async registerNumber(name: string): Promise<number | undefined> {
    return (await this.targetRegisters()).find((r) => r.name === name)?.regnum;
  }

  /** `k`: kill the target. The stub usually closes the connection without a reply. */
  kill(): void {
    if (this.closed) return;
    this.socket.write(`$k#${checksum("k")}`);
  }

  close(): void {
    this.fail(new GdbRemoteError("closed by client"));
    this.socket.destroy();
  }
}
