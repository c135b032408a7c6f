// OSC datagrams <-> messages, on the `node-osc` codec. Bundles are flattened
// (time tags are not waited for); size, count and nesting are bounded.
import { decode, encode } from 'node-osc';
import type { ArgValue } from '../live/values.js';

export interface OscMessage {
  address: string;
  args: ArgValue[];
}

export interface DatagramLimits {
  /** Larger datagrams are dropped unread. */
  maxBytes: number;
  /** Messages one datagram (bundle) may carry; more drops the whole bundle. */
  maxMessages: number;
  /** Bundles inside bundles. */
  maxDepth: number;
}

export const DEFAULT_DATAGRAM_LIMITS: DatagramLimits = { maxBytes: 16384, maxMessages: 256, maxDepth: 4 };

/** Why a datagram was dropped without a reply. */
export type DropReason = 'too_large' | 'malformed' | 'too_many_messages' | 'too_deep';

interface DecodedElement {
  oscType?: unknown;
  address?: unknown;
  args?: Array<{ value?: unknown }>;
  elements?: DecodedElement[];
}

export function decodeDatagram(data: Buffer, limits: DatagramLimits = DEFAULT_DATAGRAM_LIMITS): OscMessage[] | { dropped: DropReason } {
  if (data.length > limits.maxBytes) return { dropped: 'too_large' };
  let decoded: DecodedElement;
  try {
    decoded = decode(data) as DecodedElement;
  } catch {
    return { dropped: 'malformed' };
  }
  const messages: OscMessage[] = [];
  const walk = (element: DecodedElement, depth: number): DropReason | null => {
    if (element.oscType === 'bundle') {
      if (depth >= limits.maxDepth) return 'too_deep';
      for (const child of element.elements ?? []) {
        const problem = walk(child, depth + 1);
        if (problem) return problem;
      }
      return null;
    }
    if (typeof element.address !== 'string') return 'malformed';
    if (messages.length >= limits.maxMessages) return 'too_many_messages';
    messages.push({ address: element.address, args: (element.args ?? []).map((a) => toArg(a.value)) });
    return null;
  };
  const problem = walk(decoded, 0);
  return problem ? { dropped: problem } : messages;
}

function toArg(value: unknown): ArgValue {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (value instanceof Uint8Array) return value;
  return null; // MIDI and other exotic types: no field accepts them
}

/** An outgoing argument with its OSC type: int32, float32 or string. */
export type OutArg = { type: 'i'; value: number } | { type: 'f'; value: number } | { type: 's'; value: string };

export const i = (value: number): OutArg => ({ type: 'i', value: Math.trunc(value) | 0 });
export const f = (value: number): OutArg => ({ type: 'f', value });
export const s = (value: string): OutArg => ({ type: 's', value });

export function encodeMessage(address: string, args: OutArg[] = []): Buffer {
  return encode({ oscType: 'message', address, args });
}
