// The KV cache the runtime owns: for each of `batch` lanes and each layer,
// keys stored transposed [H, hd, capacity] and values [H, capacity, hd], plus
// which slots the model may attend to. Lanes are contiguous blocks, so one
// lane can be run alone or all together. New tokens are written in place. A
// decode step attends over every slot of the capacity (unused ones masked), so
// the buffers grow by a quarter (at least 256 slots) rather than by doubling:
// decoding never pays for more than a quarter of empty slots, and a token
// still never copies the whole cache (a copy per 256 or more tokens).
import type { Gpt2Config } from '../checkpoint/gpt2.js';

/** The least a cache grows by, in slots. */
const GROWTH_MIN = 256;

export class KvCache {
  capacity: number;
  /** Per layer: [batch, H, hd, capacity]. */
  keys: Float32Array[];
  /** Per layer: [batch, H, capacity, hd]. */
  values: Float32Array[];
  /** [batch, capacity]: 1 = the slot may be attended to (0 for hidden spans and unused slots). */
  visible: BigInt64Array;
  /** Tokens stored per lane. */
  readonly lengths: Int32Array;
  readonly batch: number;
  readonly heads: number;
  readonly headDim: number;
  readonly maxCapacity: number;

  constructor(config: Gpt2Config, capacity = 64, batch = 1) {
    this.batch = batch;
    this.heads = config.n_head;
    this.headDim = config.n_embd / config.n_head;
    this.maxCapacity = config.n_positions;
    this.capacity = Math.min(Math.max(1, capacity), this.maxCapacity);
    this.lengths = new Int32Array(batch);
    const block = batch * this.heads * this.headDim * this.capacity;
    this.keys = Array.from({ length: config.n_layer }, () => new Float32Array(block));
    this.values = Array.from({ length: config.n_layer }, () => new Float32Array(block));
    this.visible = new BigInt64Array(batch * this.capacity);
  }

  /** Tokens stored in lane 0 (the only lane of an unbatched cache). */
  get length(): number {
    return this.lengths[0]!;
  }

  /** Elements of one lane in `keys[layer]` / `values[layer]`. */
  get laneSize(): number {
    return this.heads * this.headDim * this.capacity;
  }

  /** Makes room for `needed` tokens per lane (growing by a quarter, at least 256 slots; entries are moved once). */
  ensureCapacity(needed: number): void {
    if (needed <= this.capacity) return;
    const step = this.capacity + Math.max(GROWTH_MIN, this.capacity >> 2);
    const capacity = Math.max(needed, Math.min(step, this.maxCapacity));
    const { heads: H, headDim: hd, capacity: old, batch } = this;
    const rows = batch * H; // key rows are [lane, head, dim], value blocks are [lane, head]
    this.keys = this.keys.map((k) => {
      const grown = new Float32Array(rows * hd * capacity);
      for (let row = 0; row < rows * hd; row++) grown.set(k.subarray(row * old, row * old + old), row * capacity);
      return grown;
    });
    this.values = this.values.map((v) => {
      const grown = new Float32Array(rows * capacity * hd);
      for (let block = 0; block < rows; block++) grown.set(v.subarray(block * old * hd, (block + 1) * old * hd), block * capacity * hd);
      return grown;
    });
    const visible = new BigInt64Array(batch * capacity);
    for (let lane = 0; lane < batch; lane++) visible.set(this.visible.subarray(lane * old, lane * old + old), lane * capacity);
    this.visible = visible;
    this.capacity = capacity;
  }

  /** Appends `count` new tokens' keys [H, hd, count] and values [H, count, hd] of one layer to a lane. */
  write(layer: number, lane: number, newKeys: Float32Array, newValues: Float32Array, count: number): void {
    const { heads: H, headDim: hd, capacity } = this;
    const at = this.lengths[lane]!;
    const keys = this.keys[layer]!;
    const values = this.values[layer]!;
    const rowBase = lane * H * hd;
    for (let row = 0; row < H * hd; row++) keys.set(newKeys.subarray(row * count, (row + 1) * count), (rowBase + row) * capacity + at);
    for (let h = 0; h < H; h++) values.set(newValues.subarray(h * count * hd, (h + 1) * count * hd), ((lane * H + h) * capacity + at) * hd);
  }

  /** Forgets a lane's tokens from `length` on (later writes go there); the slots before it stay as they are. */
  truncate(lane: number, length: number): void {
    if (length < 0 || length > this.lengths[lane]!) throw new RangeError(`lane ${lane} holds ${this.lengths[lane]} tokens, cannot keep ${length}`);
    this.lengths[lane] = length;
  }

  /** Makes lane `to` hold what lane `from` holds (keys, values, visibility, length): one prompt, prefilled once. */
  copyLane(from: number, to: number): void {
    if (from === to) return;
    const { heads: H, headDim: hd, capacity } = this;
    const size = H * hd * capacity;
    for (let layer = 0; layer < this.keys.length; layer++) {
      this.keys[layer]!.copyWithin(to * size, from * size, (from + 1) * size);
      this.values[layer]!.copyWithin(to * size, from * size, (from + 1) * size);
    }
    this.visible.copyWithin(to * capacity, from * capacity, (from + 1) * capacity);
    this.lengths[to] = this.lengths[from]!;
  }

  /** attention_approx: hidden slots keep attention weight but carry K = -1e4 and V = 0 (generation.md §6). */
  nullSlots(lane: number, from: number, to: number): void {
    const { heads: H, headDim: hd, capacity } = this;
    for (let layer = 0; layer < this.keys.length; layer++) {
      for (let row = lane * H * hd; row < (lane + 1) * H * hd; row++) this.keys[layer]!.fill(-1e4, row * capacity + from, row * capacity + to);
      for (let h = lane * H; h < (lane + 1) * H; h++) this.values[layer]!.fill(0, (h * capacity + from) * hd, (h * capacity + to) * hd);
    }
  }
}
