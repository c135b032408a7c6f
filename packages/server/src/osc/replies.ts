// Session events as OSC messages (realtime.md §1.5), with the reference's
// addresses, argument order and types. Ours: `/midigpt/bar/ack`,
// `/midigpt/generated/skipped`, and the inference time in `generated/close`.
import type { SessionEvent } from '../live/events.js';
import { f, i, s, type OutArg } from './codec.js';

export interface OutMessage {
  address: string;
  args: OutArg[];
}

export function eventMessages(event: SessionEvent): OutMessage[] {
  switch (event.type) {
    case 'capabilities':
      return [{ address: '/midigpt/capabilities', args: [s(event.json)] }];
    case 'ready':
      return [{ address: '/midigpt/session/ready', args: [] }];
    case 'started':
      return [{ address: '/midigpt/session/started', args: [] }];
    case 'stopped':
      return [{ address: '/midigpt/session/stopped', args: [] }];
    case 'status':
      return [{ address: '/midigpt/status', args: [s(event.status)] }];
    case 'prompt_state':
      return [{ address: '/midigpt/prompt/state', args: [s(event.json)] }];
    case 'sampled_attrs':
      return [{ address: '/midigpt/sampled/attrs', args: [s(event.json)] }];
    case 'error':
      return [errorMessage(event.code, event.message)];
    case 'skipped':
      return [{ address: '/midigpt/generated/skipped', args: [i(event.bar), s(event.reason)] }];
    case 'bar_ack':
      return [{ address: '/midigpt/bar/ack', args: [i(event.bar)] }];
    case 'generated': {
      const { track, bar } = event;
      const out: OutMessage[] = [{ address: '/midigpt/generated/open', args: [i(track), i(bar), i(event.notes.length)] }];
      for (const n of event.notes)
        out.push({ address: '/midigpt/generated/note', args: [i(track), i(bar), i(n.pitch), i(n.velocity), f(n.onset), f(n.duration)] });
      out.push({ address: '/midigpt/generated/close', args: [i(track), i(bar), f(event.inferenceMs)] });
      const x = event.features;
      if (x)
        out.push({
          address: '/midigpt/generated/features',
          args: [i(track), i(bar), f(x.note_density), f(x.mean_pitch), f(x.mean_velocity), i(x.max_polyphony), f(x.mean_duration), i(x.min_polyphony), i(x.min_note_duration), i(x.max_note_duration)],
        });
      return out;
    }
  }
}

export function errorMessage(code: number, message: string): OutMessage {
  return { address: '/midigpt/error', args: [i(code), s(message)] };
}
