// Option parsing for `midigpt serve`, `midigpt listen` and the `midigpt-server`
// bin (the reference's flags). The work itself is in server.ts and listen.ts,
// loaded only when a command runs.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ParamName } from './live/params.js';
import type { ArgValue } from './live/values.js';

const DEFAULT_PORT = 7400;
const DEFAULT_HTTP_PORT = 8000;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const integer =
  (flag: string, min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}`);
    return n;
  };
const seconds = (flag: string) => (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} must be a number of seconds ≥ 0`);
  return n;
};
const port = (flag: string) => integer(flag, 0, 65535);

/** What `serve` and `midigpt-server` both run. */
export interface ServeSettings {
  port: number;
  host: string;
  model?: string;
  replyPort?: number;
  threads?: number;
  token?: string;
  params: Partial<Record<ParamName, ArgValue>>;
  /** Prints the transport's diagnostics (dropped datagrams, send failures). */
  verbose: boolean;
}

/** `--http`: the HTTP API beside (or instead of) OSC, on the same model worker. */
export interface HttpServeSettings {
  port: number;
  /** `--cors ORIGIN` (repeatable; `*` for any). */
  cors?: string[];
  /** `--http-queue N`: requests that may wait for the model. */
  queue?: number;
  /** `--http-timeout SECONDS`: generation time limit (0 = none). */
  timeout?: number;
  /** `--studio`: also serve the studio page at `/`. */
  studio?: boolean;
  /** `--live`: live sessions over WebSocket at `/v1/live` (also on with `--studio`). */
  live?: boolean;
  /** `--soundfont FILE` (null: `--no-soundfont`, the built-in synth); default: Debian's GM SoundFont when installed. */
  soundfont?: string | null;
}

/** Starts the OSC server and keeps it running until SIGINT/SIGTERM. */
export async function runOscServer(settings: ServeSettings): Promise<void> {
  await runServers(settings, { osc: true });
}

/** Starts the OSC server and/or the HTTP API on one model worker; runs until SIGINT/SIGTERM. */
export async function runServers(settings: ServeSettings, transports: { osc: boolean; http?: HttpServeSettings }): Promise<void> {
  let soundfont: string | null = null;
  if (transports.http?.studio) {
    // Before the model loads: a missing build fails at once, with how to build it.
    const { studioRoot, findSoundFont } = await import('./http/studio.js');
    studioRoot();
    soundfont = transports.http.soundfont === undefined ? findSoundFont() : transports.http.soundfont;
  }
  const { openModel } = await import('./model.js');
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  const modelName = settings.model ?? 'the embedded default model';
  const { client } = await openModel({
    ...(settings.model !== undefined ? { model: settings.model } : {}),
    ...(settings.threads !== undefined ? { threads: settings.threads } : {}),
  });
  const closers: Array<() => Promise<void>> = [];
  try {
    if (transports.osc) {
      const { createOscServer } = await import('./server.js');
      if (!LOOPBACK.has(settings.host))
        say(`warning: listening on ${settings.host}: any host that can reach it can drive the sessions${settings.token ? '' : ' (set --token to require a shared secret)'}`);
      const osc = await createOscServer({
        modelClient: client,
        port: settings.port,
        host: settings.host,
        params: settings.params,
        ...(settings.replyPort !== undefined ? { replyPort: settings.replyPort } : {}),
        ...(settings.token !== undefined ? { token: settings.token } : {}),
        ...(settings.verbose ? { log: say } : {}),
      });
      closers.push(() => osc.close());
      say(`midigpt: OSC server listening on udp://${osc.address.address}:${osc.address.port} (model: ${modelName})`);
    }
    if (transports.http) {
      const { createHttpServer } = await import('./http/app.js');
      const http = transports.http;
      if (!LOOPBACK.has(settings.host)) say(`warning: the HTTP API listens on ${settings.host} and has no authentication: anyone who can reach it can use the model`);
      const server = await createHttpServer({
        client,
        host: settings.host,
        port: http.port,
        checkpoint: settings.model ?? 'default',
        ...(http.cors?.length ? { cors: http.cors.includes('*') ? '*' : http.cors } : {}),
        ...(http.queue !== undefined ? { maxQueue: http.queue } : {}),
        ...(http.timeout !== undefined ? { timeoutMs: http.timeout * 1000 } : {}),
        ...(http.studio ? { studio: true, soundfont } : {}),
        ...(http.live || http.studio ? { live: { params: settings.params, ...(settings.token !== undefined ? { token: settings.token } : {}) } } : {}),
        log: say,
      });
      closers.push(() => server.close());
      say(`midigpt: HTTP API on ${server.url} (model: ${modelName}; OpenAPI at ${server.url}/openapi.json)`);
      if (server.live) say(`midigpt: live sessions over WebSocket on ${server.url.replace(/^http/, 'ws')}/v1/live`);
      if (http.studio) {
        const { soundFontName } = await import('./http/studio.js');
        say(`midigpt: the studio on ${server.url}/ (sound: ${soundfont === null ? 'the built-in synth, no SoundFont' : `the SoundFont ${soundFontName(soundfont)}`})`);
      }
    }
    say('Ctrl-C stops it');
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  } finally {
    for (const close of closers.reverse()) await close();
    await client.close();
  }
}

/** Prints each OSC message received on `port` until SIGINT/SIGTERM. */
export async function runListen(portNumber: number, host: string): Promise<void> {
  const { listen } = await import('./listen.js');
  const listener = await listen({ port: portNumber, host });
  process.stderr.write(`listening on ${host}:${listener.port}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await listener.close();
}

interface ServeFlags {
  osc?: number | true;
  http?: number | true;
  cors?: string[];
  httpQueue?: number;
  httpTimeout?: number;
  studio?: boolean;
  live?: boolean;
  /** A file, or false for `--no-soundfont`. */
  soundfont?: string | false;
  model?: string;
  host: string;
  replyPort?: number;
  threads?: number;
  token?: string;
  buffer?: number;
  lookahead?: number;
  modelDim?: number;
  genTimeout?: number;
  maxAttempts?: number;
  verbose?: boolean;
}

function startupParams(flags: { buffer?: number; lookahead?: number; modelDim?: number; genTimeout?: number; maxAttempts?: number }) {
  const params: Partial<Record<ParamName, ArgValue>> = {};
  if (flags.buffer !== undefined) params.buffer_bars = flags.buffer;
  if (flags.lookahead !== undefined) params.lookahead_bars = flags.lookahead;
  if (flags.modelDim !== undefined) params.model_dim = flags.modelDim;
  if (flags.genTimeout !== undefined) params.gen_timeout = flags.genTimeout;
  if (flags.maxAttempts !== undefined) params.max_attempts = flags.maxAttempts;
  return params;
}

/** `midigpt serve [--osc [PORT]] [--http [PORT]] [--studio]`: OSC by default; both share one model worker. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the servers: OSC for DAWs and live patches, the HTTP API for apps (docs/server.md)')
    .addOption(new Option('--osc [port]', `serve OSC over UDP on this port (default ${DEFAULT_PORT}; also the default transport)`).argParser(port('--osc')))
    .option('--model <name|path>', 'the model: a released name, a .onnx/.safetensors/.pt file (default: the embedded model)')
    .option('--host <address>', 'address to bind (a non-loopback one prints a warning)', '127.0.0.1')
    .option('--reply-port <port>', "send replies to this port on the sender's host", port('--reply-port'))
    .option('--token <secret>', 'shared secret /midigpt/session/init must carry; the session then answers only its initialiser')
    .option('--threads <n>', "the model's intra-op threads", integer('--threads', 1, 256))
    .option('--buffer <bars>', 'start-up buffer_bars (kept by /session/init)', integer('--buffer', 2, 64))
    .option('--lookahead <bars>', 'start-up lookahead_bars', integer('--lookahead', 1, 8))
    .option('--model-dim <bars>', 'start-up model_dim', integer('--model-dim', 1, 16))
    .option('--gen-timeout <seconds>', 'start-up gen_timeout (0 = none)', seconds('--gen-timeout'))
    .option('--max-attempts <n>', 'start-up max_attempts', integer('--max-attempts', 1, 10))
    .option('--verbose', 'print dropped datagrams and send failures')
    .addOption(new Option('--http [port]', `serve the HTTP API on this port (default ${DEFAULT_HTTP_PORT}); with --osc, both share the model`).argParser(port('--http')))
    .option('--cors <origin>', 'let pages from this origin call the HTTP API (repeatable; * for any; default: off)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--http-queue <n>', 'HTTP requests that may wait for the model; more get 429 (default 8)', integer('--http-queue', 0, 1000))
    .option('--http-timeout <seconds>', 'cancel an HTTP generation after this long (default 120; 0 = none)', seconds('--http-timeout'))
    .option('--studio', 'also serve the studio (a page to open, infill, play and export MIDI files) at / of the HTTP port; implies --http')
    .option('--live', 'live sessions over WebSocket at /v1/live of the HTTP port (on with --studio too); implies --http')
    .option('--soundfont <file>', "the General MIDI SoundFont (SF2, SF3 or DLS) the studio plays with (default: Debian's fluid-soundfont-gm when installed)")
    .option('--no-soundfont', "the studio plays with its built-in synth, even when a SoundFont is installed")
    .action(async (flags: ServeFlags, command: Command) => {
      const settings: ServeSettings = {
        port: typeof flags.osc === 'number' ? flags.osc : DEFAULT_PORT,
        host: flags.host,
        params: startupParams(flags),
        verbose: flags.verbose ?? false,
        ...(flags.model !== undefined ? { model: flags.model } : {}),
        ...(flags.replyPort !== undefined ? { replyPort: flags.replyPort } : {}),
        ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
        ...(flags.token !== undefined ? { token: flags.token } : {}),
      };
      if (flags.http === undefined && !flags.studio && !flags.live && (flags.cors || flags.httpQueue !== undefined || flags.httpTimeout !== undefined))
        command.error('error: --cors, --http-queue and --http-timeout go with --http', { exitCode: 2, code: 'midigpt.usage' });
      if (flags.soundfont !== undefined && !flags.studio) command.error('error: --soundfont and --no-soundfont go with --studio', { exitCode: 2, code: 'midigpt.usage' });
      if (typeof flags.soundfont === 'string') {
        const { soundFontProblem } = await import('./http/studio.js');
        const problem = soundFontProblem(flags.soundfont);
        if (problem) command.error(`error: --soundfont ${flags.soundfont} ${problem}`, { exitCode: 2, code: 'midigpt.usage' });
      }
      const http: HttpServeSettings | undefined =
        flags.http === undefined && !flags.studio && !flags.live
          ? undefined
          : {
              port: typeof flags.http === 'number' ? flags.http : DEFAULT_HTTP_PORT,
              ...(flags.cors ? { cors: flags.cors } : {}),
              ...(flags.httpQueue !== undefined ? { queue: flags.httpQueue } : {}),
              ...(flags.httpTimeout !== undefined ? { timeout: flags.httpTimeout } : {}),
              ...(flags.studio ? { studio: true } : {}),
              ...(flags.live ? { live: true } : {}),
              ...(flags.soundfont !== undefined ? { soundfont: flags.soundfont === false ? null : flags.soundfont } : {}),
            };
      // OSC unless only --http was asked for.
      await runServers(settings, { osc: flags.osc !== undefined || http === undefined, ...(http ? { http } : {}) });
    });
}

/** `midigpt studio --static OUTDIR`: the studio as a static site that runs the model in the page. */
export function registerStudio(program: Command): void {
  program
    .command('studio')
    .description('write the studio as a static site that generates in the browser (no server needed): open it from any static file server')
    .requiredOption('--static <outdir>', 'the folder to write (new or empty)')
    .option('--model <name|path>', 'the model: a released name, a .onnx/.safetensors/.pt file (default: the embedded model)')
    .action(async (flags: { static: string; model?: string }) => {
      const { writeStaticStudio } = await import('./static-studio.js');
      const site = await writeStaticStudio(flags.static, flags.model !== undefined ? { model: flags.model } : {});
      const total = Object.values(site.files).reduce((a, b) => a + b, 0);
      process.stderr.write(
        `wrote the static studio to ${site.dir} (model, core and runtime ${(total / 2 ** 20).toFixed(1)} MB)\n` +
          `serve it with any static file server, e.g. \`npx http-server ${flags.static}\` or \`python3 -m http.server -d ${flags.static}\`, and open the address it prints\n`,
      );
    });
}

/** `midigpt listen [PORT]`: the monitor. */
export function registerListen(program: Command): void {
  program
    .command('listen')
    .description('print every OSC message received on a UDP port, one line each (a monitor for replies)')
    .argument('[port]', `UDP port (default ${DEFAULT_PORT})`, port('port'))
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .action(async (portNumber: number | undefined, flags: { host: string }) => runListen(portNumber ?? DEFAULT_PORT, flags.host));
}

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];

/** The `midigpt-server` command: the reference's flags, so existing set-ups switch by one word. */
export function serverProgram(): Command {
  return new Command('midigpt-server')
    .description('the real-time MIDI-GPT OSC server, with the reference midigpt-server flags')
    .option('--ckpt <path>', 'model: a .safetensors/.pt checkpoint, an .onnx model or a released name (default: the embedded model)')
    .option('--port <port>', 'UDP port', port('--port'), DEFAULT_PORT)
    .option('--host <address>', 'bind address (the reference bound 0.0.0.0)', '127.0.0.1')
    .option('--max_attempts <n>', 'start-up max_attempts', integer('--max_attempts', 1, 10))
    .option('--buffer <bars>', 'start-up buffer_bars', integer('--buffer', 2, 64))
    .option('--lookahead <bars>', 'start-up lookahead_bars', integer('--lookahead', 1, 8))
    .option('--model_dim <bars>', 'start-up model_dim', integer('--model_dim', 1, 16))
    .option('--gen_timeout <seconds>', 'start-up gen_timeout', seconds('--gen_timeout'))
    .option('--reply-port <port>', "send replies to this port on the sender's host", port('--reply-port'))
    .option('--token <secret>', 'shared secret /midigpt/session/init must carry (ours)')
    .option('--threads <n>', "the model's intra-op threads (ours)", integer('--threads', 1, 256))
    .addOption(new Option('--log_level <level>', 'DEBUG prints dropped datagrams and send failures').choices(LOG_LEVELS).default('INFO'))
    .action(
      async (flags: {
        ckpt?: string;
        port: number;
        host: string;
        max_attempts?: number;
        buffer?: number;
        lookahead?: number;
        model_dim?: number;
        gen_timeout?: number;
        replyPort?: number;
        token?: string;
        threads?: number;
        log_level: string;
      }) => {
        await runOscServer({
          port: flags.port,
          host: flags.host,
          params: startupParams({
            ...(flags.buffer !== undefined ? { buffer: flags.buffer } : {}),
            ...(flags.lookahead !== undefined ? { lookahead: flags.lookahead } : {}),
            ...(flags.model_dim !== undefined ? { modelDim: flags.model_dim } : {}),
            ...(flags.gen_timeout !== undefined ? { genTimeout: flags.gen_timeout } : {}),
            ...(flags.max_attempts !== undefined ? { maxAttempts: flags.max_attempts } : {}),
          }),
          verbose: flags.log_level === 'DEBUG',
          ...(flags.ckpt !== undefined ? { model: flags.ckpt } : {}),
          ...(flags.replyPort !== undefined ? { replyPort: flags.replyPort } : {}),
          ...(flags.threads !== undefined ? { threads: flags.threads } : {}),
          ...(flags.token !== undefined ? { token: flags.token } : {}),
        });
      },
    );
}

/** Runs `midigpt-server`; returns the exit code. */
export async function serverMain(argv: string[]): Promise<number> {
  try {
    await serverProgram().exitOverride().parseAsync(argv);
    return 0;
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    if (typeof code === 'number') return code === 0 ? 0 : 2;
    process.stderr.write(`midigpt-server: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
