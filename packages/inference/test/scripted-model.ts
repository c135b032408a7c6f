// A scripted stand-in for a GPT-2, for testing the engine's own behaviour
// (retries, temperature escalation, checks, warnings, positions) where a real
// model cannot be made to force the case. Its logits are a function of each
// lane's tokens so far; every call is recorded.
import type { Gpt2Config, ModelRuntime } from '../src/index.js';
import { KvCache } from '../src/index.js';

/** Logits for the next token, given the lane's tokens so far and which prefill (attempt) it follows, from 0. */
export type Script = (history: readonly number[], prefill: number) => Float32Array;

export interface Call {
  kind: 'prefill' | 'forward' | 'decodeBatch';
  lane: number;
  tokens: number[];
  positions: number[];
}

/** A cache that also keeps each lane's tokens, as the scripts read them (copied and truncated with the lane). */
class ScriptedCache extends KvCache {
  histories: number[][];

  constructor(config: Gpt2Config, capacity: number, batch: number) {
    super(config, capacity, batch);
    this.histories = Array.from({ length: batch }, () => []);
  }

  override copyLane(from: number, to: number): void {
    super.copyLane(from, to);
    this.histories[to] = [...this.histories[from]!];
  }
}

export class ScriptedModel implements ModelRuntime {
  readonly config: Gpt2Config;
  readonly calls: Call[] = [];
  prefills = 0;

  constructor(
    vocab: number,
    nPositions: number,
    private readonly script: Script,
  ) {
    this.config = { vocab_size: vocab, n_positions: nPositions, n_embd: 4, n_layer: 1, n_head: 1 } as Gpt2Config;
  }

  createCache(capacity = 64, batch = 1): KvCache {
    return new ScriptedCache(this.config, capacity, batch);
  }

  async prefill(tokens: ArrayLike<number>, cache: KvCache, options: { positions?: ArrayLike<number>; lane?: number } = {}): Promise<Float32Array> {
    this.prefills++;
    return this.#append('prefill', tokens, cache, options.lane ?? 0, options.positions);
  }

  async forward(tokens: ArrayLike<number>, cache: KvCache, options: { positions?: ArrayLike<number>; lane?: number } = {}): Promise<Float32Array> {
    return this.#append('forward', tokens, cache, options.lane ?? 0, options.positions);
  }

  async decodeBatch(tokens: ArrayLike<number>, cache: KvCache, positions: ArrayLike<number>): Promise<Float32Array> {
    const V = this.config.vocab_size;
    const out = new Float32Array(cache.batch * V);
    for (let lane = 0; lane < cache.batch; lane++) out.set(this.#append('decodeBatch', [tokens[lane]!], cache, lane, [positions[lane]!]), lane * V);
    return out;
  }

  async release(): Promise<void> {}

  // Appends one lane's tokens; returns a row of logits per token (only the last is scripted).
  #append(kind: Call['kind'], tokens: ArrayLike<number>, cache: KvCache, lane: number, positions?: ArrayLike<number>): Float32Array {
    const list = Array.from(tokens);
    const start = cache.lengths[lane]!;
    this.calls.push({ kind, lane, tokens: list, positions: positions ? Array.from(positions) : list.map((_, i) => start + i) });
    cache.ensureCapacity(start + list.length);
    cache.visible.fill(1n, lane * cache.capacity + start, lane * cache.capacity + start + list.length);
    cache.lengths[lane] = start + list.length;
    const history = (cache as ScriptedCache).histories[lane]!;
    history.length = start; // a lane truncated for reuse forgets what came after
    history.push(...list);
    const V = this.config.vocab_size;
    const out = new Float32Array(list.length * V);
    out.set(this.script(history, this.prefills - 1), (list.length - 1) * V); // the attempt that prefilled this lane
    return out;
  }
}

/** Logits that favour the named token types (by "Type:" prefix) with weight `high`, others 0. */
export function favour(names: readonly string[], types: readonly string[], high = 8): Float32Array {
  const row = new Float32Array(names.length);
  names.forEach((name, id) => {
    if (types.some((t) => name.startsWith(`${t}:`))) row[id] = high;
  });
  return row;
}
