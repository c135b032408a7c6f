// The codec wrapper's bounds and the monitor's line format.
import { describe, expect, it } from 'vitest';
import { decodeDatagram, encodeMessage } from '../../src/osc/codec.js';
import { formatMessage } from '../../src/listen.js';
import { float, int, str } from '../support/osc.js';

describe('datagrams', () => {
  it('round-trips the reply types', () => {
    const data = encodeMessage('/midigpt/generated/note', [int(1), int(4), int(60), int(90), float(0.5), float(0.25)]);
    expect(decodeDatagram(data)).toEqual([{ address: '/midigpt/generated/note', args: [1, 4, 60, 90, 0.5, 0.25] }]);
  });

  it('drops what is too large, malformed, too many or too deep', () => {
    const message = encodeMessage('/a', [str('x')]);
    expect(decodeDatagram(message, { maxBytes: 4, maxMessages: 8, maxDepth: 2 })).toEqual({ dropped: 'too_large' });
    expect(decodeDatagram(Buffer.from('nonsense'))).toEqual({ dropped: 'malformed' });
    const sized = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const bundle = (elements: Buffer[]) => Buffer.concat([Buffer.from('#bundle\0'), Buffer.alloc(8), ...elements.map(sized)]);
    expect(decodeDatagram(bundle([message, message, message]), { maxBytes: 4096, maxMessages: 2, maxDepth: 2 })).toEqual({ dropped: 'too_many_messages' });
    expect(decodeDatagram(bundle([bundle([bundle([message])])]), { maxBytes: 4096, maxMessages: 8, maxDepth: 2 })).toEqual({ dropped: 'too_deep' });
    expect(decodeDatagram(bundle([message, bundle([message])]), { maxBytes: 4096, maxMessages: 8, maxDepth: 2 })).toHaveLength(2);
  });
});

describe('midigpt listen lines', () => {
  it('prints the address, two spaces, then the arguments', () => {
    expect(formatMessage('/midigpt/error', [4, "it's bad"])).toBe("/midigpt/error  4 'it\\'s bad'");
    expect(formatMessage('/midigpt/session/ready', [])).toBe('/midigpt/session/ready');
    expect(formatMessage('/x', [true, null, new Uint8Array(3)])).toBe('/x  true nil <blob 3 bytes>');
  });
});
