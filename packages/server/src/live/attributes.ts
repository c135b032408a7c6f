// Attribute overrides for the agent track (realtime.md §1.9), checked when
// they are set rather than failing every later generation (§6 item 5).
import type { AttributeInfo } from '@midigpt/core';
import { invalidParam } from './errors.js';
import { toInt, toText, type ArgValue } from './values.js';

export class AttributeOverrides {
  readonly #known: Map<string, AttributeInfo>;
  readonly #values = new Map<string, number>();

  constructor(attributes: readonly AttributeInfo[]) {
    this.#known = new Map(attributes.map((a) => [a.name, a]));
  }

  /** `value < 0` removes the override. `agentDrum`: the agent's kind when it exists. */
  set(rawName: ArgValue | undefined, rawValue: ArgValue | undefined, agentDrum: boolean | null): void {
    const name = toText(rawName, 'attribute name');
    const value = toInt(rawValue, `attribute ${name}`);
    const info = this.#known.get(name);
    if (!info) throw invalidParam(`unknown attribute "${name}" (this model has: ${[...this.#known.keys()].join(', ') || 'none'})`);
    if (value < 0) return void this.#values.delete(name);
    if (info.level !== 'track') throw invalidParam(`attribute "${name}" is set per bar; it cannot be an agent-track override`);
    if (value >= info.size) throw invalidParam(`attribute "${name}" has levels 0 to ${info.size - 1}, got ${value}`);
    if (agentDrum !== null) checkKind(info, agentDrum);
    this.#values.set(name, value);
  }

  /** Refuses overrides that do not fit an agent of this kind (checked at start and track creation). */
  checkAgent(agentDrum: boolean): void {
    for (const name of this.#values.keys()) checkKind(this.#known.get(name)!, agentDrum);
  }

  clear(): void {
    this.#values.clear();
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#values);
  }
}

function checkKind(info: AttributeInfo, drum: boolean): void {
  if (info.trackType === 'drum' && !drum) throw invalidParam(`attribute "${info.name}" is for drum tracks; the agent is melodic`);
  if (info.trackType === 'melodic' && drum) throw invalidParam(`attribute "${info.name}" is for melodic tracks; the agent is a drum track`);
}
