// The KV cache's own bookkeeping: growth (by a quarter, at least 256 slots,
// never past the model's positions) keeps every lane's keys, values and
// visibility where the runtime reads them; lanes copy and truncate.
import { describe, expect, it } from 'vitest';
import { KvCache, type Gpt2Config } from '../src/index.js';

// 2 heads of 2 dims, 1 layer: a key row per (lane, head, dim), a value block per (lane, head).
const config = { n_embd: 4, n_head: 2, n_layer: 1, n_positions: 4096, vocab_size: 8 } as Gpt2Config;

/** Writes `count` tokens to a lane whose keys and values encode (lane, token, head, dim). */
function fill(cache: KvCache, lane: number, count: number): void {
  const { heads: H, headDim: hd } = cache;
  const at = cache.lengths[lane]!;
  const keys = new Float32Array(H * hd * count);
  const values = new Float32Array(H * count * hd);
  for (let h = 0; h < H; h++)
    for (let d = 0; d < hd; d++)
      for (let t = 0; t < count; t++) {
        const code = lane * 1e6 + (at + t) * 100 + h * 10 + d;
        keys[(h * hd + d) * count + t] = code;
        values[(h * count + t) * hd + d] = -code;
      }
  cache.write(0, lane, keys, values, count);
  cache.visible.fill(1n, lane * cache.capacity + at, lane * cache.capacity + at + count);
  cache.lengths[lane] = at + count;
}

/** Reads (lane, token, head, dim) back from where the runtime looks. */
function expectCodes(cache: KvCache, lane: number): void {
  const { heads: H, headDim: hd, capacity } = cache;
  for (let t = 0; t < cache.lengths[lane]!; t++)
    for (let h = 0; h < H; h++)
      for (let d = 0; d < hd; d++) {
        const code = lane * 1e6 + t * 100 + h * 10 + d;
        expect(cache.keys[0]![((lane * H + h) * hd + d) * capacity + t]).toBe(code);
        expect(cache.values[0]![((lane * H + h) * capacity + t) * hd + d]).toBe(-code);
      }
  expect(cache.visible[lane * capacity + cache.lengths[lane]! - 1]).toBe(1n);
  expect(cache.visible[lane * capacity + cache.lengths[lane]!] ?? 0n).toBe(0n);
}

describe('KvCache', () => {
  it('grows by at least 256 slots, or a quarter of a large cache, and keeps every lane in place', () => {
    const cache = new KvCache(config, 8, 2);
    fill(cache, 0, 8);
    fill(cache, 1, 5);
    cache.ensureCapacity(9);
    expect(cache.capacity).toBe(8 + 256);
    expectCodes(cache, 0);
    expectCodes(cache, 1);

    const large = new KvCache(config, 2000, 1);
    fill(large, 0, 2000);
    large.ensureCapacity(2001);
    expect(large.capacity).toBe(2500);
    expectCodes(large, 0);
    large.ensureCapacity(3500); // more than one step at once: exactly what is needed
    expect(large.capacity).toBe(3500);
    large.ensureCapacity(4000);
    expect(large.capacity).toBe(4096); // never past the model's positions
    expectCodes(large, 0);
  });

  it('copies a lane and forgets the end of one', () => {
    const cache = new KvCache(config, 16, 3);
    fill(cache, 0, 10);
    cache.copyLane(0, 2);
    expect(cache.lengths[2]).toBe(10);
    const { heads: H, headDim: hd, capacity } = cache;
    expect(cache.keys[0]!.subarray(2 * H * hd * capacity, 3 * H * hd * capacity)).toEqual(cache.keys[0]!.subarray(0, H * hd * capacity));
    cache.truncate(2, 4);
    expect(cache.lengths[2]).toBe(4);
    expect(() => cache.truncate(2, 5)).toThrow(RangeError);
  });
});
