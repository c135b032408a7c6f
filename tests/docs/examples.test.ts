// Every documented example runs: the command lines of README.md, docs/cli.md
// and the commands' --help texts, and the TypeScript blocks of README.md and
// docs/api.md (type-checked, then run; the ```ts browser blocks run in
// chromium, packages/studio/test/browser). Docs cannot drift from the code.
//
// Each command runs in a fresh folder holding the files the examples name:
// song.mid (the first 20 bars of the bundled POP909 example), piano.mid (a
// MAESTRO performance), song.json, infill.json / request.json, the tiny
// parity checkpoint as model.safetensors and yellow_medium-final.safetensors,
// the embedded default model as model.onnx, a folder of MIDI files (midi/) and
// a dataset built from it (data/). Released models cannot be downloaded here: their examples must end
// with a clear message that the model repository cannot be reached.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Score, Tokenizer, validateRequest, withContextTracks } from '@midigpt/core';
import { defaultModelPath } from '@midigpt/default-model';
import { midigptBin, runAsync } from '../support/cli.js';
import { parityDir, parityMidiPath, repoRoot } from '../support/parity.js';

const RELEASED = ['yellow', 'yellow_small', 'yellow_medium', 'prism_medium', 'expressive', 'expressive_medium'];

// ---- finding the examples -------------------------------------------------

/** Code blocks of a Markdown file, with their language (and `browser` for a ```ts browser block). */
function codeBlocks(file: string): Array<{ lang: string; browser: boolean; lines: string[]; at: number }> {
  const blocks: Array<{ lang: string; browser: boolean; lines: string[]; at: number }> = [];
  let open: { lang: string; browser: boolean; lines: string[]; at: number } | undefined;
  readFileSync(path.join(repoRoot, file), 'utf8').split('\n').forEach((line, i) => {
    const fence = /^```(\w*)(.*)$/.exec(line);
    if (fence && !open) open = { lang: fence[1]!, browser: /\bbrowser\b/.test(fence[2]!), lines: [], at: i + 2 };
    else if (fence && open) blocks.push(open), (open = undefined);
    else open?.lines.push(line);
  });
  return blocks;
}

// A synopsis (`midigpt run INPUT --request REQUEST.json -o OUTPUT`) names placeholders, not files.
const isSynopsis = (command: string) => /\b[A-Z]{2,}\b|\[/.test(command);

/** Command lines in the shell blocks of a Markdown file (comments after "  # " removed). */
function markdownCommands(file: string): string[] {
  return codeBlocks(file)
    .filter((b) => b.lang === 'sh' || b.lang === 'bash' || b.lang === '')
    .flatMap((b) => b.lines)
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => /^midigpt\s|\|\s*midigpt\s/.test(line) && !isSynopsis(line));
}

/** The "Examples:" lines of every command's --help (descriptions after two spaces removed). */
function helpCommands(): string[] {
  const run = (args: string[]) => spawnSync(midigptBin, args, { encoding: 'utf8' }).stdout;
  const names = [...run(['--help']).matchAll(/^ {2}(\w+)(?: \[options\]| <|\s)/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
  const subcommands = (name: string) => [...run([name, '--help']).matchAll(/^ {2}(\w+) \[options\]/gm)].map((m) => [name, m[1]!]);
  const commands = names.flatMap((n) => [[n], ...subcommands(n)]);
  return commands.flatMap((c) =>
    run([...c, '--help'])
      .split('\n')
      .filter((line) => /^ {2}(midigpt |cat \S+ \| midigpt )/.test(line))
      .map((line) => line.trim().split(/\s{2,}/)[0]!)
      .filter((line) => !isSynopsis(line)),
  );
}

// ---- the folder the examples run in ---------------------------------------

let fixtures: string;

function prepareFixtures(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'midigpt-doc-fixtures-'));
  const song = Score.fromMidi(path.join(repoRoot, 'examples', 'pop909-032.mid')).window(0, 20);
  writeFileSync(path.join(dir, 'song.mid'), song.toMidi());
  writeFileSync(path.join(dir, 'song.json'), JSON.stringify(song.toJSON()));
  cpSync(parityMidiPath('Maestro_1.mid'), path.join(dir, 'piano.mid'));
  const request = { tracks: [{ id: 1, bars: [2, 3] }], config: { model_dim: 4, seed: 0 } };
  for (const name of ['infill.json', 'request.json']) writeFileSync(path.join(dir, name), JSON.stringify(request));
  const tiny = path.join(parityDir, 'model', 'tiny_gpt2_yellow.safetensors');
  for (const name of ['model.safetensors', 'yellow_medium-final.safetensors']) cpSync(tiny, path.join(dir, name));
  cpSync(defaultModelPath, path.join(dir, 'model.onnx')); // a real model: the random tiny one can fail a step's silence check
  mkdirSync(path.join(dir, 'midi'));
  for (const name of ['POP909_008.mid', 'POP909_022.mid', 'edge_drums_and_melodic.mid']) cpSync(parityMidiPath(name), path.join(dir, 'midi', name));
  const built = spawnSync('bash', ['-c', 'midigpt dataset build midi/ -o data/'], { cwd: dir, env: shellEnv(dir), encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`could not build the example dataset: ${built.stderr}`);
  return dir;
}

function shellEnv(cwd: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${path.dirname(midigptBin)}${path.delimiter}${process.env.PATH}`,
    MIDIGPT_HOME: path.join(cwd, '.midigpt-home'),
    MIDIGPT_HUB_URL: 'http://127.0.0.1:9', // nothing listens there: downloads fail at once
  };
}

// Without blocking the test worker (a long synchronous run starves vitest's messages).
const shell = (command: string, cwd: string) => runAsync('bash', ['-o', 'pipefail', '-c', command], { cwd, env: shellEnv(cwd) });

// The files an example says it writes: -o/--output/--out/--preview arguments (variations as FILE-1, FILE-2, ...).
function outputsOf(command: string): string[] {
  const words = command.split(/\s+/);
  const variations = Number(words[words.indexOf('--variations') + 1] ?? 1) || 1;
  return words.flatMap((w, i) => {
    const value = words[i + 1];
    if (!value || value === '-' || !['-o', '--output', '--out', '--preview'].includes(w)) return [];
    if (w === '--preview' || variations === 1) return [value];
    const ext = path.extname(value);
    return Array.from({ length: variations }, (_, k) => `${value.slice(0, value.length - ext.length)}-${k + 1}${ext}`);
  });
}

// Examples whose documented form runs for hours: the same command, bounded.
function bounded(command: string): string {
  return command.startsWith('midigpt train ') ? `${command} --max-steps 2` : command;
}

const sources: Array<[string, () => string[]]> = [
  ['README.md', () => markdownCommands('README.md')],
  ['docs/cli.md', () => markdownCommands('docs/cli.md')],
  ['--help', helpCommands],
];

describe('every command example of the docs and --help texts runs', () => {
  beforeAll(() => {
    fixtures = prepareFixtures();
  }, 120_000);

  const seen = new Set<string>();
  for (const [source, find] of sources) {
    const commands = find().filter((c) => !seen.has(c) && seen.add(c));
    it(`${source} has examples`, () => expect(commands.length).toBeGreaterThan(2));
    it.each(commands)(`${source}: %s`, async (command) => {
      const cwd = mkdtempSync(path.join(tmpdir(), 'midigpt-doc-example-'));
      cpSync(fixtures, cwd, { recursive: true });
      // What the example writes is not there yet (`convert ... -o model.onnx` makes the model the others use).
      for (const file of outputsOf(command)) rmSync(path.join(cwd, file), { recursive: true, force: true });
      const r = await shell(bounded(command), cwd);
      const released = RELEASED.some((name) => command.includes(`--model ${name}`));
      expect(r.stderr).not.toMatch(/\n\s+at .*\(/); // no stack trace
      if (released) {
        expect(r.status).toBe(1);
        expect(r.stderr).toContain('cannot reach the model repository');
      } else {
        // 141: a reader later in the pipe stopped early (`| head`), as it does in a terminal.
        expect(r.status === 141 && r.stderr === '' ? 0 : r.status, r.stderr).toBe(0);
        for (const file of outputsOf(command)) expect(existsSync(path.join(cwd, file)), `${file} written`).toBe(true);
      }
      rmSync(cwd, { recursive: true, force: true });
    }, 300_000);
  }
});

// ---- request samples ---------------------------------------------------------

describe('every request sample of docs/cli.md is valid for the default encoder', () => {
  const samples = codeBlocks('docs/cli.md').filter((b) => b.lang === 'json' && b.lines.join('').includes('"tracks"'));
  it('docs/cli.md has request samples', () => expect(samples.length).toBeGreaterThan(0));
  it.each(samples.map((b) => [b.at, b.lines.join('\n')]))('the request at line %i', (_at, text) => {
    const score = Score.fromMidi(path.join(repoRoot, 'examples', 'pop909-032.mid'));
    const { request } = validateRequest(withContextTracks(JSON.parse(text), score), score, Tokenizer.load('yellow'));
    expect(request.tracks.length).toBe(score.tracks.length);
  });
});

// ---- TypeScript blocks ------------------------------------------------------

describe('every TypeScript example of README.md and docs/api.md type-checks and runs', () => {
  const blocks = ['README.md', 'docs/api.md'].flatMap((file) =>
    codeBlocks(file)
      .filter((b) => b.lang === 'ts')
      .map((b) => ({ name: `${file.replace(/\W/g, '-')}-${b.at}`, label: `${file}:${b.at}`, code: b.lines.join('\n'), browser: b.browser })),
  );
  // Inside the repository, so that the packages resolve as they do for a user of the workspace.
  const dir = path.join(repoRoot, 'build', 'doc-examples');

  beforeAll(() => {
    if (!fixtures) fixtures = prepareFixtures();
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { outDir: 'js', rootDir: '.', declaration: false, sourceMap: false }, include: ['*.ts'] }),
    );
    // `export {}` makes each block a module, so blocks do not share names.
    for (const b of blocks) writeFileSync(path.join(dir, `${b.name}.ts`), `${b.code}\nexport {};\n`);
    const tsc = spawnSync(path.join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', dir], { encoding: 'utf8' });
    compiled = { status: tsc.status, output: tsc.stdout + tsc.stderr };
  }, 120_000);
  let compiled: { status: number | null; output: string };

  it('the docs have TypeScript examples', () => expect(blocks.length).toBeGreaterThanOrEqual(5));

  it('they type-check under the project\'s strict settings', () => {
    expect(compiled.output).toBe('');
    expect(compiled.status).toBe(0);
  });

  // The browser examples (```ts browser) run in chromium: packages/studio/test/browser/docs-examples.e2e.test.ts.
  it.each(blocks.filter((b) => !b.browser).map((b) => [b.label, b.name]))('%s runs', async (_label, name) => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'midigpt-doc-ts-'));
    cpSync(fixtures, cwd, { recursive: true });
    const r = await runAsync(process.execPath, [path.join(dir, 'js', `${name}.js`)], { cwd, env: { ...process.env, MIDIGPT_HOME: path.join(cwd, '.midigpt-home') } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(cwd).length).toBeGreaterThan(0);
    rmSync(cwd, { recursive: true, force: true });
  }, 180_000);
});
