// What a step's prompt feeds the model, slot by slot: the token, its position
// id and whether later tokens may attend to it (generation.md §6: hidden spans
// are left out, hidden from later queries, or nulled, by mask mode). Two feeds
// that start the same way give the same keys and values for that start, so a
// cache that holds one can serve the other from their common prefix on: a
// retried attempt runs none of its prompt again, the next step of an unmoved
// window only the part after its first changed bar, and variations of one
// prompt prefill it once.
import type { SessionState } from '@midigpt/core';
import type { KvCache } from '../runtime/kv-cache.js';

export interface Feed {
  tokens: number[];
  positions: number[];
  /** 1 = later tokens may attend to this slot. */
  visible: number[];
  /** attention_approx: spans whose slots are nulled after the prefill (the cache then differs from a plain run of the feed). */
  nullSpans: Array<[number, number]>;
}

/** The feed of a step's prompt under `mode`. */
export function promptFeed(state: SessionState, mode: string): Feed {
  const prompt = state.prompt();
  const spans = state.hiddenSpans();
  const hidden = new Uint8Array(prompt.length);
  for (const [from, to] of spans) hidden.fill(1, from, to);
  const feed: Feed = { tokens: [], positions: [], visible: [], nullSpans: [] };
  if (mode === 'attention_skip' && spans.length > 0) {
    // Hidden tokens are left out; the others keep their true positions.
    for (let i = 0; i < prompt.length; i++)
      if (!hidden[i]) {
        feed.tokens.push(prompt[i]!);
        feed.positions.push(i);
        feed.visible.push(1);
      }
    return feed;
  }
  const keyMask = (mode === 'attention' || mode === 'attention_approx') && spans.length > 0;
  for (let i = 0; i < prompt.length; i++) {
    feed.tokens.push(prompt[i]!);
    feed.positions.push(i);
    feed.visible.push(keyMask ? 1 - hidden[i]! : 1);
  }
  if (mode === 'attention_approx') feed.nullSpans = spans.map(([from, to]) => [from, to]);
  return feed;
}

/** The position id after the feed's last token (B8 fixed: no position skipped). */
export const nextPosition = (feed: Feed): number => (feed.positions.length ? feed.positions[feed.positions.length - 1]! + 1 : 0);

/** Slots at the start of `a` and `b` that hold the same token, position and visibility. */
export function commonPrefix(a: Feed, b: Feed): number {
  const n = Math.min(a.tokens.length, b.tokens.length);
  let i = 0;
  while (i < n && a.tokens[i] === b.tokens[i] && a.positions[i] === b.positions[i] && a.visible[i] === b.visible[i]) i++;
  return i;
}

export function sameFeed(a: Feed, b: Feed): boolean {
  if (a.tokens.length !== b.tokens.length || a.nullSpans.length !== b.nullSpans.length) return false;
  if (a.nullSpans.some(([from, to], i) => b.nullSpans[i]![0] !== from || b.nullSpans[i]![1] !== to)) return false;
  return commonPrefix(a, b) === a.tokens.length;
}

/**
 * A cache kept between the prompts of one request (lane 0 of single-lane runs), with what its
 * lane holds. `feed` is null while nothing reusable is kept.
 */
export interface PromptReuse {
  cache: KvCache | null;
  feed: Feed | null;
}
