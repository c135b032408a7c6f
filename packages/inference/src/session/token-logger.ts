// A JSON-lines record of what the model chose and what it could have chosen
// (generation.md §8.3, the essentials): one `token` record per sampled token
// and a `step_summary` per step attempt. Lines are buffered and written per
// step, so logging adds no file write per token.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class TokenLogger {
  #lines: string[] = [];
  #step = 0;

  constructor(readonly file: string) {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, '');
  }

  token(position: number, id: number, name: string, legal: number): void {
    const colon = name.lastIndexOf(':');
    this.#lines.push(JSON.stringify({ type: 'token', step: this.#step, pos: position, tid: id, tt: name.slice(0, colon), tv: Number(name.slice(colon + 1)), n_legal: legal }));
  }

  stepSummary(contextLength: number, generated: number[], names: string[]): void {
    const counts: Record<string, number> = {};
    for (const id of generated) {
      const type = names[id]!.slice(0, names[id]!.lastIndexOf(':'));
      counts[type] = (counts[type] ?? 0) + 1;
    }
    const sorted = Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
    this.#lines.push(JSON.stringify({ type: 'step_summary', step: this.#step, context_len: contextLength, tokens_generated: generated.length, token_type_counts: sorted }));
    this.#step++;
    this.flush();
  }

  flush(): void {
    if (this.#lines.length === 0) return;
    appendFileSync(this.file, `${this.#lines.join('\n')}\n`);
    this.#lines = [];
  }
}
