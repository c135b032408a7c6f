// Content negotiation for /v1/generate's answers.
import { describe, expect, it } from 'vitest';
import { negotiate } from '../../src/http/accept.js';

const offered = ['application/json', 'audio/midi', 'audio/x-midi', 'text/event-stream'];

describe('negotiate', () => {
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['audio/midi', 'audio/midi'],
    ['audio/*', 'audio/midi'],
    ['text/event-stream', 'text/event-stream'],
    ['text/html, */*;q=0.1', 'application/json'],
    ['application/json;q=0.5, audio/midi', 'audio/midi'],
    ['AUDIO/MIDI', 'audio/midi'],
    ['audio/x-midi', 'audio/x-midi'],
    ['*/*;q=0.5, audio/midi;q=0', 'application/json'],
    ['text/html', null],
    ['audio/midi;q=0', null],
    ['garbage', null],
  ])('%j -> %j', (header, expected) => expect(negotiate(header, offered)).toBe(expected));
});
