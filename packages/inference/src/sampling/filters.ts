// Choosing the next token from one row of logits (generation.md §5): the
// legal-token mask, temperature, softmax, then top_k -> top_p -> mask_k ->
// mask_p exactly as §5.2 (ties by ascending token id), then a draw. The
// buffers are allocated once per sampler and reused for every token.
import type { Random } from './random.js';

export interface FilterSettings {
  temperature: number;
  top_k: number;
  top_p: number;
  mask_k: number;
  mask_p: number;
}

export class TokenSampler {
  readonly #probs: Float64Array;
  readonly #keep: Uint8Array;
  readonly #order: Int32Array;
  readonly #size: number;

  constructor(vocabSize: number) {
    this.#size = vocabSize;
    this.#probs = new Float64Array(vocabSize);
    this.#keep = new Uint8Array(vocabSize);
    this.#order = new Int32Array(vocabSize);
  }

  /**
   * The next token. `allowed[id]` = 1 for legal ids; with none the sampler throws rather than
   * return an illegal id. With top_k = 1 or temperature 0 (greedy) it is the arg-max of the
   * legal logits (lowest id on ties). Logits that make the distribution collapse (NaN, +Inf,
   * all -Inf) give the uniform distribution over legal ids (§5.1); greedy then takes the lowest.
   */
  pick(logits: Float32Array, allowed: Uint8Array, settings: FilterSettings, random: Random): number {
    if (settings.top_k === 1 || settings.temperature === 0) return this.#argmax(logits, allowed);
    this.#softmax(logits, allowed, settings.temperature);
    this.#filter(settings);
    return this.#draw(random);
  }

  #argmax(logits: Float32Array, allowed: Uint8Array): number {
    let best = -1;
    let first = -1;
    let collapsed = false;
    for (let id = 0; id < this.#size; id++) {
      if (!allowed[id]) continue;
      const x = logits[id]!;
      if (first < 0) first = id;
      if (Number.isNaN(x) || x === Infinity) collapsed = true;
      else if (best < 0 || x > logits[best]!) best = id;
    }
    if (first < 0) throw new RangeError('no legal token to pick: the mask allows nothing');
    return collapsed || best < 0 || logits[best] === -Infinity ? first : best;
  }

  // Masked softmax at temperature T; a collapsed distribution becomes uniform over legal ids (§5.1).
  #softmax(logits: Float32Array, allowed: Uint8Array, temperature: number): void {
    const p = this.#probs;
    let max = -Infinity;
    let legal = 0;
    for (let id = 0; id < this.#size; id++) {
      if (!allowed[id]) continue;
      legal++;
      if (logits[id]! > max) max = logits[id]!;
    }
    if (legal === 0) throw new RangeError('no legal token to pick: the mask allows nothing');
    let sum = 0;
    for (let id = 0; id < this.#size; id++) {
      p[id] = allowed[id] ? Math.exp((logits[id]! - max) / temperature) : 0;
      sum += p[id]!;
    }
    if (!(sum >= 1e-6)) {
      sum = 0;
      for (let id = 0; id < this.#size; id++) sum += p[id] = allowed[id] ? 1 : 0;
    }
    for (let id = 0; id < this.#size; id++) p[id]! /= sum;
  }

  // Ids with positive probability by descending probability, ascending id on ties; returns their count.
  #sortOrder(values: Float64Array): number {
    let n = 0;
    for (let id = 0; id < this.#size; id++) if (values[id]! > 0) this.#order[n++] = id;
    const view = this.#order.subarray(0, n);
    view.sort((a, b) => values[b]! - values[a]! || a - b);
    return n;
  }

  #filter({ top_k, top_p, mask_k, mask_p }: FilterSettings): void {
    if (top_p >= 1 && top_k <= 0 && mask_p <= 0 && mask_k <= 0) return;
    const p = this.#probs;
    const keep = this.#keep;
    const legal = this.#sortOrder(p);
    keep.fill(0);
    let kept = legal;
    if (top_k > 0 && top_k < legal) kept = Math.min(kept, top_k);
    if (top_p > 0 && top_p < 1) {
      let cumulative = 0;
      let r = legal;
      for (let i = 0; i < legal; i++) {
        cumulative += p[this.#order[i]!]!;
        if (cumulative >= top_p) {
          r = i + 1;
          break;
        }
      }
      kept = Math.min(kept, Math.max(1, r));
    }
    for (let i = 0; i < kept; i++) keep[this.#order[i]!] = 1;
    // mask_k / mask_p drop the most likely survivors (never all of them).
    let drop = 0;
    if (mask_k > 0 && mask_k < kept) drop = mask_k;
    if (mask_p > 0 && mask_p < 1 && kept > 0) {
      let survivors = 0;
      for (let i = 0; i < kept; i++) survivors += p[this.#order[i]!]!;
      let cumulative = 0;
      let d = kept;
      for (let i = 0; i < kept; i++) {
        cumulative += p[this.#order[i]!]! / survivors;
        if (cumulative >= mask_p) {
          d = i + 1;
          break;
        }
      }
      drop = Math.max(drop, Math.min(d, kept - 1));
    }
    for (let i = 0; i < drop; i++) keep[this.#order[i]!] = 0;
    let sum = 0;
    for (let id = 0; id < this.#size; id++) sum += keep[id] ? p[id]! : 0;
    if (sum <= 0) return;
    for (let id = 0; id < this.#size; id++) p[id] = keep[id] ? p[id]! / sum : 0;
  }

  #draw(random: Random): number {
    let u = random.next();
    let last = -1;
    for (let id = 0; id < this.#size; id++) {
      const p = this.#probs[id]!;
      if (p <= 0) continue;
      last = id;
      if (u < p) return id;
      u -= p;
    }
    return last;
  }
}
