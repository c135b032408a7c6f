// The inbound address map (realtime.md §1.4): the reference's addresses and
// argument order. Argument counts are checked here, values by the session;
// every refusal becomes `/midigpt/error` (code 4 for a wrong count or type).
import { invalidParam } from '../live/errors.js';
import type { LiveSession } from '../live/session.js';
import { toBool, toFloat, toInt, toText, type ArgValue } from '../live/values.js';

export interface Route {
  /** Argument names, in order (for messages). */
  args: readonly string[];
  /** Trailing arguments that may be left out. */
  optional?: number;
  /** Extra arguments are ignored, as the reference did for these; elsewhere they are refused. */
  ignoreExtra?: boolean;
  run(session: LiveSession, args: ArgValue[]): void;
}

const int = (args: ArgValue[], index: number, name: string): number => toInt(args[index], name);
const num = (args: ArgValue[], index: number, name: string): number => toFloat(args[index], name);
const text = (args: ArgValue[], index: number, name: string): string => toText(args[index], name);

export const ROUTES: Readonly<Record<string, Route>> = {
  '/midigpt/session/start': { args: [], ignoreExtra: true, run: (session) => session.start() },
  '/midigpt/session/stop': { args: [], ignoreExtra: true, run: (session) => session.stop() },
  '/midigpt/track/create': {
    args: ['track_id', 'instrument', 'track_type', 'is_agent'],
    run: (session, a) => session.createTrack(int(a, 0, 'track_id'), int(a, 1, 'instrument'), int(a, 2, 'track_type'), toBool(a[3], 'is_agent')),
  },
  '/midigpt/track/remove': { args: ['track_id'], run: (session, a) => session.removeTrack(int(a, 0, 'track_id')) },
  '/midigpt/track/set_ignore': {
    args: ['track_id', 'ignored'],
    run: (session, a) => session.setIgnore(int(a, 0, 'track_id'), toBool(a[1], 'ignored')),
  },
  '/midigpt/track/param/set': {
    args: ['track_id', 'name', 'value'],
    run: (session, a) => session.setTrackParam(int(a, 0, 'track_id'), text(a, 1, 'name'), a[2] ?? null),
  },
  '/midigpt/note': {
    args: ['track_id', 'pitch', 'velocity', 'onset', 'duration', 'bar_index'],
    run: (session, a) =>
      session.note(int(a, 0, 'track_id'), int(a, 1, 'pitch'), int(a, 2, 'velocity'), num(a, 3, 'onset'), num(a, 4, 'duration'), int(a, 5, 'bar_index')),
  },
  '/midigpt/bar/end': {
    args: ['bar_index', 'ts_num', 'ts_den'],
    run: (session, a) => session.barEnd(int(a, 0, 'bar_index'), int(a, 1, 'ts_num'), int(a, 2, 'ts_den')),
  },
  '/midigpt/param/set': { args: ['name', 'value'], run: (session, a) => session.setParam(text(a, 0, 'name'), a[1] ?? null) },
  '/midigpt/param/set_once': { args: ['name', 'value'], run: (session, a) => session.setParamOnce(text(a, 0, 'name'), a[1] ?? null) },
  '/midigpt/param/reset': { args: ['name'], run: (session, a) => session.resetParam(text(a, 0, 'name')) },
  '/midigpt/param/reset_all': { args: [], ignoreExtra: true, run: (session) => session.resetAllParams() },
  '/midigpt/attr/set': { args: ['name', 'value'], run: (session, a) => session.setAttribute(a[0] ?? null, a[1] ?? null) },
  '/midigpt/attr/reset_all': { args: [], ignoreExtra: true, run: (session) => session.resetAttributes() },
};

/** `/midigpt/session/init [name] [token]`. */
export const INIT_ADDRESS = '/midigpt/session/init';

/** Refuses a message whose argument count does not fit its route. */
export function checkCount(address: string, route: Pick<Route, 'args' | 'optional' | 'ignoreExtra'>, count: number): void {
  const max = route.args.length;
  const min = max - (route.optional ?? 0);
  if (count < min) throw invalidParam(`${address} needs ${min} argument${min === 1 ? '' : 's'} (${route.args.join(', ')}), got ${count}`);
  if (count > max && !route.ignoreExtra) throw invalidParam(`${address} takes ${max} argument${max === 1 ? '' : 's'}${max ? ` (${route.args.join(', ')})` : ''}, got ${count}`);
}
