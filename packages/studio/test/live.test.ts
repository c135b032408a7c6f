// Live mode's logic that needs no browser: the loop taken from the piece, the
// messages sent (drums as track_type 11, notes as bar fractions, each bar's
// own time signature, the last bar's end on stop), the bar clock (tempo
// changes from the next bar without renumbering, late bars moved), the
// agent's bars as they arrive, the attribute controls and the live score.
import { describe, expect, it } from 'vitest';
import { AgentBars, agentAttributes, liveScore } from '../src/live/agent.js';
import type { AttributeInfo } from '../src/request.js';
import { BarClock, barSeconds } from '../src/live/clock.js';
import { bpmAt, buildLoop, describeLoop, loopRange, timeSignatureOf, type Loop } from '../src/live/loop.js';
import {
  agentId,
  barMessages,
  frames,
  liveUrl,
  parseEvent,
  setupMessages,
  stopMessages,
  tokenFromHash,
  trackMessage,
  type LiveParams,
} from '../src/live/protocol.js';
import type { Score } from '../src/score.js';

const bar = (ts: [number, number], notes: number[][] = []) => ({ ts, beat_length: (ts[0] * 4) / ts[1], notes });

/** 480 ticks per quarter; 6 bars: 4/4 ×3, 3/4, 4/4 ×2; a piano (0), drums (1), an empty track (2); 100 BPM. */
const score: Score = {
  resolution: 480,
  tempo: 600_000,
  tracks: [
    {
      name: 'Piano',
      instrument: 0,
      track_type: 'melodic',
      bars: [
        bar([4, 4], [[60, 90, 0, 480]]),
        bar([4, 4], [[62, 80, 960, 960], [64, 0, 0, 480]]),
        bar([4, 4], [[64, 70, 480, 3840]]),
        bar([3, 4], [[65, 60, 0, 1440]]),
        bar([4, 4]),
        bar([4, 4], [[67, 50, 0, 240]]),
      ],
    },
    { name: 'Drums', instrument: 0, track_type: 'drum', bars: [bar([4, 4], [[36, 100, 0, 120], [38, 100, 960, 120]]), bar([4, 4]), bar([4, 4]), bar([3, 4]), bar([4, 4]), bar([4, 4])] },
    { name: '', instrument: 40, track_type: 'melodic', bars: [bar([4, 4]), bar([4, 4]), bar([4, 4]), bar([3, 4]), bar([4, 4]), bar([4, 4])] },
  ],
};

const params: LiveParams = { modelDim: 4, temperature: 0.9, topP: null, seed: 3, silenceCheck: false, noveltyCheck: true };

describe('the loop', () => {
  it('is the selection\'s bars, else the first four (fewer in a short piece)', () => {
    expect(loopRange({ tracks: [1], from: 5, to: 2 }, 9)).toEqual({ from: 2, to: 5 });
    expect(loopRange(null, 9)).toEqual({ from: 0, to: 3 });
    expect(loopRange(null, 2)).toEqual({ from: 0, to: 1 });
  });

  it('holds the tracks with notes there, notes as fractions of their bar, each bar\'s time signature', () => {
    const loop = buildLoop(score, { tracks: [0], from: 1, to: 3 });
    expect(loop.from).toBe(1);
    expect(loop.bars).toEqual([
      { ts: [4, 4], quarters: 4 },
      { ts: [4, 4], quarters: 4 },
      { ts: [3, 4], quarters: 3 },
    ]);
    expect(loop.tracks.map((t) => t.id)).toEqual([0]); // the drums and the empty track have nothing in bars 1-3
    expect(loop.tracks[0]!.bars).toEqual([
      [{ pitch: 62, velocity: 80, onset: 0.5, duration: 0.5 }], // the velocity-0 note is left out
      [{ pitch: 64, velocity: 70, onset: 0.25, duration: 2 }], // a note held over the bar line keeps its length
      [{ pitch: 65, velocity: 60, onset: 0, duration: 1 }],
    ]);
    expect(loop.bpm).toBe(100);
    expect(describeLoop(loop)).toBe('bars 2–4, 1 track, 4/4 3/4');
  });

  it('without a selection: the first four bars; drums marked; all-empty loops keep the first track', () => {
    const loop = buildLoop(score, null);
    expect([loop.from, loop.to]).toEqual([0, 3]);
    expect(loop.tracks.map((t) => [t.id, t.drum])).toEqual([
      [0, false],
      [1, true],
    ]);
    const silent = buildLoop(score, { tracks: [2], from: 4, to: 4 });
    expect(silent.tracks.map((t) => t.id)).toEqual([0]);
    expect(() => buildLoop({ resolution: 480, tracks: [] }, null)).toThrow(/no bars/);
  });

  it('takes the time signature from the bar (or its length), the tempo where the loop starts', () => {
    expect(timeSignatureOf({ ts: [6, 8], notes: [] })).toEqual([6, 8]);
    expect(timeSignatureOf({ beat_length: 3, notes: [] })).toEqual([3, 4]);
    expect(timeSignatureOf({ beat_length: 3.5, notes: [] })).toEqual([7, 8]);
    expect(timeSignatureOf(undefined)).toEqual([4, 4]);
    const tempos: Score = { resolution: 480, tempos: [[0, 500_000], [3840, 400_000]], tracks: [] };
    expect(bpmAt(tempos, 0)).toBe(120);
    expect(bpmAt(tempos, 3840)).toBe(150);
  });
});

describe('messages', () => {
  const loop = buildLoop(score, null);

  it('creates the human tracks, the agent (drums are track_type 11), the parameters and the attributes that are on', () => {
    expect(agentId(loop)).toBe(2);
    expect(trackMessage(1, 0, true, false)).toEqual({ address: '/midigpt/track/create', args: [1, 0, 11, 0] });
    expect(setupMessages(loop, { program: 33, drum: false }, params, { max_polyphony: 2, min_note_duration: -1 })).toEqual([
      { address: '/midigpt/track/create', args: [0, 0, 10, 0] },
      { address: '/midigpt/track/create', args: [1, 0, 11, 0] },
      { address: '/midigpt/track/create', args: [2, 33, 10, 1] },
      { address: '/midigpt/param/set', args: ['model_dim', 4] },
      { address: '/midigpt/param/set', args: ['temperature', 0.9] },
      { address: '/midigpt/param/set', args: ['sampling_seed', 3] },
      { address: '/midigpt/param/set', args: ['silence_check', false] },
      { address: '/midigpt/param/set', args: ['novelty_check', true] },
      { address: '/midigpt/attr/set', args: ['max_polyphony', 2] },
    ]);
  });

  it('bar b sends the end of bar b-1 (its own time signature) and the loop bar b mod length of every track', () => {
    expect(barMessages(loop, 0)).toEqual([
      { address: '/midigpt/note', args: [0, 60, 90, 0, 0.25, 0] },
      { address: '/midigpt/note', args: [1, 36, 100, 0, 1 / 16, 0] },
      { address: '/midigpt/note', args: [1, 38, 100, 0.5, 1 / 16, 0] },
    ]);
    const threeFour = buildLoop(score, { tracks: [0], from: 3, to: 4 });
    expect(barMessages(threeFour, 1)[0]).toEqual({ address: '/midigpt/bar/end', args: [0, 3, 4] });
    expect(barMessages(threeFour, 1).slice(1)).toEqual([]); // bar 4 of the piece is empty
    expect(barMessages(threeFour, 2)).toEqual([
      { address: '/midigpt/bar/end', args: [1, 4, 4] },
      { address: '/midigpt/note', args: [0, 65, 60, 0, 1, 2] },
    ]);
    // Bar numbers go on past the loop's end: bar 9 of a 4-bar loop plays loop bar 1.
    expect(barMessages(loop, 9).filter((m) => m.address === '/midigpt/note').map((m) => m.args[1])).toEqual([62]);
  });

  it('stop ends the last bar first (the reference never did), then stops', () => {
    expect(stopMessages(loop, 6)).toEqual([
      { address: '/midigpt/bar/end', args: [6, 4, 4] },
      { address: '/midigpt/session/stop', args: [] },
    ]);
    expect(stopMessages(loop, null)).toEqual([{ address: '/midigpt/session/stop', args: [] }]);
  });

  it('splits long lists into frames the server takes; finds v1/live beside the page; reads a token', () => {
    const many = Array.from({ length: 9000 }, () => ({ address: '/midigpt/session/stop', args: [] }));
    expect(frames(many).map((f) => f.length)).toEqual([4096, 4096, 808]);
    expect(liveUrl('http://127.0.0.1:8000/')).toBe('ws://127.0.0.1:8000/v1/live');
    expect(liveUrl('https://example.org/studio/index.html?x=1#token=a')).toBe('wss://example.org/studio/v1/live');
    expect(tokenFromHash('#token=s3cret')).toBe('s3cret');
    expect(tokenFromHash('')).toBeNull();
  });

  it('reads the server\'s events, and nothing else', () => {
    expect(parseEvent('{"event":"generated","track":2,"bar":5,"notes":[{"pitch":40,"velocity":90,"onset":0,"duration":0.25}],"features":null,"inference_ms":31.5}')).toEqual({
      event: 'generated',
      track: 2,
      bar: 5,
      notes: [{ pitch: 40, velocity: 90, onset: 0, duration: 0.25 }],
      inference_ms: 31.5,
    });
    expect(parseEvent('{"event":"error","code":4,"message":"no"}')).toEqual({ event: 'error', code: 4, message: 'no' });
    expect(parseEvent('{"event":"started"}')).toEqual({ event: 'started' });
    expect(parseEvent('{"event":"generated","track":2,"bar":5,"notes":[{"pitch":"x"}]}')).toBeNull();
    expect(parseEvent('not json')).toBeNull();
    expect(parseEvent('[1]')).toBeNull();
  });
});

describe('BarClock', () => {
  const quarters = (b: number): number => (b % 4 === 3 ? 3 : 4); // every fourth bar is 3/4

  it('schedules each bar once, a little ahead, back to back', () => {
    const clock = new BarClock(quarters, 120, 10);
    expect(clock.due(9.7, 0.2)).toEqual([]);
    expect(clock.due(9.85, 0.2)).toEqual([{ bar: 0, start: 10, duration: 2 }]);
    expect(clock.due(9.9, 0.2)).toEqual([]);
    expect(clock.due(11.85, 0.2)).toEqual([{ bar: 1, start: 12, duration: 2 }]);
    expect(clock.due(13.85, 0.2).map((b) => b.bar)).toEqual([2]);
    expect(clock.due(15.85, 0.2).map((b) => b.bar)).toEqual([3]);
    expect(clock.find(3)).toEqual({ bar: 3, start: 16, duration: 1.5 });
    expect(clock.position(16.75)).toEqual({ bar: 3, fraction: 0.5 });
    expect(clock.position(9)).toBeNull();
    expect(barSeconds(3, 60)).toBe(3);
  });

  it('a tempo change applies from the next bar, and bar numbers go on', () => {
    const clock = new BarClock(quarters, 120, 0);
    clock.due(0, 0.1); // bar 0: 0-2 s
    clock.setBpm(240);
    expect(clock.due(1.95, 0.1)).toEqual([{ bar: 1, start: 2, duration: 1 }]);
    expect(clock.due(2.95, 0.1)).toEqual([{ bar: 2, start: 3, duration: 1 }]);
    expect(clock.scheduled).toBe(3);
    expect(clock.last?.bar).toBe(2);
  });

  it('a late timer moves the bars instead of skipping or cramming them', () => {
    const clock = new BarClock(quarters, 120, 0);
    clock.due(0, 0.1);
    expect(clock.due(7, 0.1)).toEqual([{ bar: 1, start: 7, duration: 2 }]);
    expect(clock.due(8.95, 0.1)).toEqual([{ bar: 2, start: 9, duration: 2 }]);
  });
});

describe('the agent', () => {
  it('counts the bars and notes received; a bar sent again replaces the first', () => {
    const agent = new AgentBars();
    expect(agent.add(4, [{ pitch: 40, velocity: 90, onset: 0, duration: 0.5 }])).toBe(true);
    expect(agent.add(5, [])).toBe(true);
    expect(agent.add(4, [{ pitch: 41, velocity: 90, onset: 0, duration: 0.5 }, { pitch: 43, velocity: 90, onset: 0.5, duration: 0.5 }])).toBe(false);
    expect([agent.count, agent.notes, agent.end]).toEqual([2, 2, 6]);
  });

  const info: AttributeInfo[] = [
    { name: 'note_density', level: 'track', track_type: 'drum', size: 10, labels: [] },
    { name: 'min_polyphony', level: 'track', track_type: 'melodic', size: 10, labels: [] },
    { name: 'max_note_duration', level: 'track', track_type: 'both', size: 6, labels: ['32nd', '16th', '8th', 'quarter', 'half', 'whole'] },
    { name: 'tension', level: 'bar', track_type: 'melodic', size: 10, labels: [] },
    { name: 'tension', level: 'track', track_type: 'melodic', size: 10, labels: [] },
  ];

  it('takes the track attributes of its kind, never tension, with the session\'s level counts', () => {
    expect(agentAttributes(info, false).map((a) => [a.name, a.levels])).toEqual([
      ['min_polyphony', 10],
      ['max_note_duration', 6],
    ]);
    expect(agentAttributes(info, true).map((a) => a.name)).toEqual(['note_density', 'max_note_duration']);
    expect(agentAttributes(info, false, { attribute_levels: { min_polyphony: 8, max_note_duration: 6 } }).map((a) => [a.name, a.levels])).toEqual([
      ['min_polyphony', 8],
      ['max_note_duration', 6],
    ]);
    expect(agentAttributes(info, true, { attribute_levels: { max_note_duration: 6 } }).map((a) => a.name)).toEqual(['max_note_duration']);
    expect(agentAttributes(info, false)[1]!.labels[0]).toBe('32nd');
  });

  it('the live score: the agent\'s bars as they came (first lane, marked generated), human bars up to the bars scheduled', () => {
    const loop: Loop = buildLoop(score, { tracks: [0], from: 2, to: 3 });
    const agent = new AgentBars();
    agent.add(4, [{ pitch: 40, velocity: 90, onset: 0.5, duration: 0.25 }]);
    const view = liveScore(loop, 3, agent, { program: 33, drum: false, name: 'Agent' });
    expect(view.score.tracks.map((t) => t.name)).toEqual(['Agent', 'Piano']);
    expect(view.score.tracks[1]!.bars.map((b) => b.notes.length)).toEqual([1, 1, 1, 0, 0]);
    expect(view.score.tracks[1]!.bars.map((b) => b.ts)).toEqual([
      [4, 4],
      [3, 4],
      [4, 4],
      [3, 4],
      [4, 4],
    ]);
    expect(view.score.tracks[0]!.bars[4]!.notes).toEqual([[40, 90, 960, 480]]);
    expect(view.score.tracks[0]).toMatchObject({ instrument: 33, track_type: 'melodic' });
    expect([...view.generated]).toEqual(['0:4']);
  });
});
