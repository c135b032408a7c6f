// The KV cache the runtime owns: per layer, keys stored transposed
// [H, hd, capacity] and values [H, capacity, hd], plus which slots the model
// may attend to. New tokens are written in place; the buffers grow by
// doubling, so a token never copies the whole cache.
import type { Gpt2Config } from '../checkpoint/gpt2.js';

export class KvCache {
  /** Tokens stored. */
  length = 0;
  capacity: number;
  keys: Float32Array[];
  values: Float32Array[];
  /** 1 = the slot may be attended to (0 for hidden spans and unused slots). */
  visible: BigInt64Array;
  readonly heads: number;
  readonly headDim: number;
  readonly maxCapacity: number;

  constructor(config: Gpt2Config, capacity = 64) {
    this.heads = config.n_head;
    this.headDim = config.n_embd / config.n_head;
    this.maxCapacity = config.n_positions;
    this.capacity = Math.min(Math.max(1, capacity), this.maxCapacity);
    this.keys = Array.from({ length: config.n_layer }, () => new Float32Array(this.heads * this.headDim * this.capacity));
    this.values = Array.from({ length: config.n_layer }, () => new Float32Array(this.heads * this.capacity * this.headDim));
    this.visible = new BigInt64Array(this.capacity);
  }

  /** Makes room for `extra` more tokens (doubling; existing entries are moved once). */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < needed) capacity *= 2;
    capacity = Math.max(needed, Math.min(capacity, this.maxCapacity));
    const { heads: H, headDim: hd } = this;
    this.keys = this.keys.map((old) => {
      const grown = new Float32Array(H * hd * capacity);
      for (let row = 0; row < H * hd; row++) grown.set(old.subarray(row * this.capacity, row * this.capacity + this.length), row * capacity);
      return grown;
    });
    this.values = this.values.map((old) => {
      const grown = new Float32Array(H * capacity * hd);
      for (let h = 0; h < H; h++) grown.set(old.subarray(h * this.capacity * hd, (h * this.capacity + this.length) * hd), h * capacity * hd);
      return grown;
    });
    const visible = new BigInt64Array(capacity);
    visible.set(this.visible.subarray(0, this.length));
    this.visible = visible;
    this.capacity = capacity;
  }

  /** Appends the new tokens' keys [H, hd, T] and values [H, T, hd] of one layer. */
  write(layer: number, newKeys: Float32Array, newValues: Float32Array, count: number): void {
    const { heads: H, headDim: hd, capacity, length } = this;
    const keys = this.keys[layer]!;
    const values = this.values[layer]!;
    for (let row = 0; row < H * hd; row++) keys.set(newKeys.subarray(row * count, (row + 1) * count), row * capacity + length);
    for (let h = 0; h < H; h++) values.set(newValues.subarray(h * count * hd, (h + 1) * count * hd), (h * capacity + length) * hd);
  }

  /** attention_approx: hidden slots keep attention weight but carry K = -1e4 and V = 0 (generation.md §6). */
  nullSlots(from: number, to: number): void {
    const { heads: H, headDim: hd, capacity } = this;
    for (let layer = 0; layer < this.keys.length; layer++) {
      for (let row = 0; row < H * hd; row++) this.keys[layer]!.fill(-1e4, row * capacity + from, row * capacity + to);
      for (let h = 0; h < H; h++) this.values[layer]!.fill(0, (h * capacity + from) * hd, (h * capacity + to) * hd);
    }
  }
}
