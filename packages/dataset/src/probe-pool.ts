// Judges pieces in a pool of child processes (training.md §1.3, with B9
// fixed): each piece has a time limit; a child that runs over it is killed,
// and one that dies takes only its current piece with it. Either way the
// piece is reported as rejected and a fresh child takes the next one.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PieceFilters, Verdict } from './filters.js';

export interface ProbePoolOptions {
  /** Child processes (default 2). */
  workers?: number;
  /** Seconds one piece may take before its child is killed (default 60). */
  timeoutSeconds?: number;
  /** @internal The child's script; tests substitute misbehaving ones. */
  script?: string;
}

interface Pending {
  id: number;
  bytes: Uint8Array;
  filters: PieceFilters;
  resolve: (verdict: Verdict) => void;
}

interface Slot {
  child: ChildProcess | undefined;
  job: Pending | undefined;
  timer: NodeJS.Timeout | undefined;
}

// Under vitest this module runs from src/*.ts, which node cannot fork; the
// compiled child is in dist/ (tests run after the build).
const defaultScript = fileURLToPath(
  import.meta.url.endsWith('.ts') ? new URL('../dist/probe-worker.js', import.meta.url) : new URL('./probe-worker.js', import.meta.url),
);

export class ProbePool {
  readonly #slots: Slot[];
  readonly #queue: Pending[] = [];
  readonly #timeoutMs: number;
  readonly #script: string;
  #nextId = 0;
  #closed = false;

  constructor(options: ProbePoolOptions = {}) {
    const workers = Math.max(1, Math.floor(options.workers ?? 2));
    this.#slots = Array.from({ length: workers }, () => ({ child: undefined, job: undefined, timer: undefined }));
    this.#timeoutMs = (options.timeoutSeconds ?? 60) * 1000;
    this.#script = options.script ?? defaultScript;
  }

  /** The verdict on one MIDI file; never rejects. */
  judge(bytes: Uint8Array, filters: PieceFilters): Promise<Verdict> {
    if (this.#closed) throw new Error('the probe pool is closed');
    return new Promise((resolve) => {
      this.#queue.push({ id: this.#nextId++, bytes, filters, resolve });
      this.#dispatch();
    });
  }

  /** Stops every child; pieces still queued are not judged. */
  close(): void {
    this.#closed = true;
    for (const slot of this.#slots) {
      clearTimeout(slot.timer);
      this.#retire(slot);
    }
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.job || !this.#queue.length) continue;
      const job = this.#queue.shift()!;
      slot.job = job;
      slot.child ??= this.#spawn(slot);
      slot.timer = setTimeout(() => this.#fail(slot, 'timeout', `took longer than ${this.#timeoutMs / 1000} s`), this.#timeoutMs);
      slot.child.send({ id: job.id, bytes: job.bytes, filters: job.filters });
    }
  }

  #spawn(slot: Slot): ChildProcess {
    const child = fork(this.#script, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-500);
    });
    child.on('message', (message: { id: number; verdict: Verdict }) => {
      if (slot.child !== child || slot.job?.id !== message.id) return;
      this.#finish(slot, message.verdict);
    });
    child.on('exit', (code, signal) => {
      if (slot.child !== child) return;
      slot.child = undefined;
      if (slot.job) this.#fail(slot, 'crash', `the parser process died (${signal ?? `exit code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`);
    });
    return child;
  }

  #fail(slot: Slot, reason: 'timeout' | 'crash', message: string): void {
    this.#retire(slot);
    this.#finish(slot, { ok: false, reason, message });
  }

  #finish(slot: Slot, verdict: Verdict): void {
    clearTimeout(slot.timer);
    const job = slot.job;
    slot.job = undefined;
    slot.timer = undefined;
    job?.resolve(verdict);
    if (!this.#closed) this.#dispatch();
  }

  #retire(slot: Slot): void {
    const child = slot.child;
    slot.child = undefined;
    child?.kill('SIGKILL');
  }
}
