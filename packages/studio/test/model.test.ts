// The studio's logic that needs no browser: the bar timeline and tempo map,
// the selection and its request, the take history, the event-stream reader.
import { describe, expect, it } from 'vitest';
import { History, type Piece } from '../src/document.js';
import { Timeline, type Score } from '../src/score.js';
import { attributeTitle, generationRequest } from '../src/request.js';
import { describeSelection, isSelected, selectionBars } from '../src/selection.js';
import { readEvents } from '../src/sse.js';

const bar = (ts: [number, number], notes: number[][] = []) => ({ ts, beat_length: (ts[0] * 4) / ts[1], notes });

describe('Timeline', () => {
  // 480 ticks per quarter: a 4/4 bar (1920 ticks), a 3/4 bar (1440), a 4/4 bar; 120 BPM, then 60 BPM from bar 2.
  const score: Score = { resolution: 480, tempo: 500_000, tempos: [[0, 500_000], [3360, 1_000_000]], tracks: [{ bars: [bar([4, 4]), bar([3, 4]), bar([4, 4])] }] };
  const timeline = new Timeline(score);

  it('puts bars back to back by their length', () => {
    expect(timeline.starts).toEqual([0, 1920, 3360, 5280]);
    expect(timeline.bars).toBe(3);
    expect([0, 1919, 1920, 3359, 3360, 5279, 9999].map((t) => timeline.barAt(t))).toEqual([0, 0, 1, 1, 2, 2, 2]);
  });

  it('converts ticks and seconds through the tempo map', () => {
    expect(timeline.seconds(1920)).toBeCloseTo(2);
    expect(timeline.seconds(3360)).toBeCloseTo(3.5);
    expect(timeline.seconds(5280)).toBeCloseTo(7.5);
    for (const tick of [0, 700, 3360, 4000, 5280]) expect(timeline.tick(timeline.seconds(tick))).toBeCloseTo(tick);
  });

  it('uses the single tempo when there is no map, 120 BPM when none', () => {
    expect(new Timeline({ resolution: 96, tracks: [{ bars: [bar([4, 4])] }] }).seconds(96)).toBeCloseTo(0.5);
  });
});

describe('selection', () => {
  const selection = { tracks: [2, 0], from: 7, to: 4 };
  it('covers the bars between both ends, of its tracks', () => {
    expect(isSelected(selection, 0, 4)).toBe(true);
    expect(isSelected(selection, 2, 7)).toBe(true);
    expect(isSelected(selection, 1, 5)).toBe(false);
    expect(isSelected(selection, 0, 8)).toBe(false);
    expect(describeSelection(selection)).toBe('2,0:4-7');
  });

  it('is the infill request of its tracks, in order', () => {
    const targets = selection.tracks.map((id) => ({ id, drum: false }));
    const none = { temperature: null, topP: null, seed: null, strict: false };
    expect(generationRequest(targets, selectionBars(selection), [], none)).toEqual({ tracks: [{ id: 0, bars: [4, 5, 6, 7] }, { id: 2, bars: [4, 5, 6, 7] }], config: {} });
  });
});

describe('generation requests', () => {
  const maxPolyphony = { name: 'max_polyphony', trackType: 'melodic' as const, level: 0 };
  const density = { name: 'note_density', trackType: 'drum' as const, level: 7 };

  it('put each control only on the tracks of its kind', () => {
    const request = generationRequest([{ id: 3, drum: true }, { id: 1, drum: false }], [2], [maxPolyphony, density], { temperature: null, topP: null, seed: null, strict: false });
    expect(request.tracks).toEqual([
      { id: 1, bars: [2], attributes: { max_polyphony: 0 } },
      { id: 3, bars: [2], attributes: { note_density: 7 } },
    ]);
  });

  it('carry the sampling settings that are set, strict controls only when asked', () => {
    expect(generationRequest([{ id: 0, drum: false }], [0], [], { temperature: 0.9, topP: 0.95, seed: 7, strict: true }).config).toEqual({ temperature: 0.9, top_p: 0.95, seed: 7, strict_controls: true });
    expect(generationRequest([{ id: 0, drum: false }], [0], [], { temperature: null, topP: null, seed: 0, strict: false }).config).toEqual({ seed: 0 });
  });

  it('name attributes in words', () => {
    expect(attributeTitle({ name: 'min_note_duration', track_type: 'melodic' })).toBe('min note duration');
    expect(attributeTitle({ name: 'note_density', track_type: 'drum' })).toBe('note density (drums)');
  });
});

describe('History', () => {
  const piece = (name: string): Piece => ({ name, midi: new Uint8Array(0), score: { resolution: 480, tracks: [] }, generated: new Set() });

  it('undoes and redoes kept takes; a new take clears the redo list', () => {
    const history = new History(piece('a'));
    expect(history.canUndo).toBe(false);
    history.commit(piece('b'));
    history.commit(piece('c'));
    history.undo();
    expect(history.current.name).toBe('b');
    expect(history.canRedo).toBe(true);
    history.redo();
    expect(history.current.name).toBe('c');
    history.undo();
    history.undo();
    expect(history.current.name).toBe('a');
    history.undo();
    expect(history.current.name).toBe('a');
    history.commit(piece('d'));
    expect(history.canRedo).toBe(false);
  });
});

describe('readEvents', () => {
  it('reads events split anywhere across chunks', async () => {
    const text = 'event: queued\ndata: {"ahead":0}\n\nevent: progress\r\ndata: {"tokens":8}\r\n\r\n: a comment\n\nevent: result\ndata: {"variations":[]}\n\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const events = [];
    for await (const e of readEvents(body)) events.push(e);
    expect(events).toEqual([
      { event: 'queued', data: { ahead: 0 } },
      { event: 'progress', data: { tokens: 8 } },
      { event: 'result', data: { variations: [] } },
    ]);
  });
});
