// Picking the response type from the Accept header (RFC 9110 §12.5.1): the
// offered type with the highest q that a range matches; on a tie, the
// server's order. No header means the first offered type.

interface Range {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): Range[] {
  const ranges: Range[] = [];
  for (const part of header.split(',')) {
    const [media, ...params] = part.trim().split(';');
    if (!media) continue;
    const [type, subtype] = media.trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k?.trim().toLowerCase() === 'q') {
        const n = Number(v);
        q = Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
      }
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** The offered type to answer with, or null when the client accepts none of them. */
export function negotiate(header: string | undefined, offered: readonly string[]): string | null {
  if (!header || header.trim() === '') return offered[0] ?? null;
  const ranges = parseAccept(header);
  let best: { type: string; q: number; specificity: number } | null = null;
  for (const candidate of offered) {
    const [type, subtype] = candidate.split('/');
    // The most specific matching range sets the quality of a type.
    let match: { q: number; specificity: number } | null = null;
    for (const r of ranges) {
      const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
      if (specificity < 0) continue;
      if (!match || specificity > match.specificity) match = { q: r.q, specificity };
    }
    if (!match || match.q <= 0) continue;
    if (!best || match.q > best.q) best = { type: candidate, ...match };
  }
  return best?.type ?? null;
}
