#!/usr/bin/env node
// The published packages, tested as a user gets them (issue 18): every public
// package is packed with `pnpm pack` (workspace versions become real ranges),
// the tarballs are installed with npm into a fresh project outside the
// repository (third-party dependencies from the npm registry), and there:
//   - the tarballs hold what they should and nothing else (no tests, source
//     maps, build folders, fuzz corpus; no stale dist files), with sizes;
//     @midigpt/core under 5 MB packed;
//   - installing @midigpt/core uses its prebuild (nothing is compiled);
//   - a consumer script (`import { Score } from '@midigpt/core'; import {
//     InferenceEngine } from '@midigpt/inference'`) reads an example, infills
//     it with the default model and writes MIDI that reads back; it and every
//     TypeScript example of the package READMEs type-check with `tsc --strict`
//     against the published .d.ts files, and run;
//   - `npx midigpt infill …` and the CLI README's commands work;
//   - without @midigpt/default-model, the CLI says how to get a model;
//   - a source build that cannot work names what is missing (CMake, a C++20
//     compiler, nlohmann-json);
//   - with the prebuild removed, `npm rebuild @midigpt/core` builds the addon
//     from the sources in the package and the consumer script gives the same
//     MIDI file (skipped, saying so, where CMake, a compiler or nlohmann-json
//     is missing).
// Needs the repository built (`pnpm run build`) and the npm registry.
// Prints a line per check and "packages: N passed, N failed" (skips are
// listed, not counted); exits 1 on a failure. The temporary folder is kept
// on failure (or with KEEP_PACKAGES_TEST=1) and named at the end.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createServer } from 'node:net';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootManifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const pnpmSpec = rootManifest.packageManager ?? 'pnpm@12.4.2';
const CORE_LIMIT = 5 * 1000 * 1000;
const PACKAGES = ['core', 'inference', 'dataset', 'default-model', 'server', 'cli'];
const started = Date.now();

const work = mkdtempSync(path.join(os.tmpdir(), 'midigpt-packages-'));
const tarballDir = path.join(work, 'tarballs');
const consumer = path.join(work, 'consumer');
mkdirSync(tarballDir);
mkdirSync(consumer);

// Children see neither the pnpm/npm settings of whoever started us nor the user's model cache.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_)/i.test(k)));
Object.assign(env, {
  ONNXRUNTIME_NODE_INSTALL: 'skip', // its install step only fetches CUDA files, from outside the registry
  MIDIGPT_HOME: path.join(work, 'midigpt-home'),
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
});

// ---- checks ---------------------------------------------------------------

const results = [];
const elapsed = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function check(name, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    if (note && typeof note === 'object' && note.skip) {
      results.push({ name, status: 'skipped' });
      console.log(`skipped ${name}: ${note.skip}`);
    } else {
      results.push({ name, status: 'passed' });
      console.log(`ok      ${name} (${elapsed(t0)})${note ? `: ${note}` : ''}`);
    }
    return true;
  } catch (error) {
    results.push({ name, status: 'failed' });
    console.log(`FAILED  ${name} (${elapsed(t0)}): ${error instanceof Error ? error.message : error}`);
    return false;
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Runs a command to the end; resolves to {status, stdout, stderr, output} (never rejects). */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd ?? consumer, env: options.env ?? env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => resolve({ status: 127, stdout, stderr: `${stderr}${error.message}`, output: `${stdout}${stderr}${error.message}` }));
    child.on('close', (status, signal) => resolve({ status: status ?? (signal ? 128 : 1), stdout, stderr, output: stdout + stderr }));
  });
}

const tail = (text, lines = 25) => text.trim().split('\n').slice(-lines).join('\n');
const ok = (r, what) => assert(r.status === 0, `${what} exited with ${r.status}:\n${tail(r.output)}`);

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of process.platform === 'win32' ? ['.exe', '.cmd', ''] : ['']) if (existsSync(path.join(dir, name + ext))) return path.join(dir, name + ext);
  }
  return null;
}

// ---- the tarballs ---------------------------------------------------------

/** The regular files of a .tgz: [{path, size, data}] (ustar headers, pax long names; enough for npm tarballs). */
function tarEntries(file) {
  const bytes = gunzipSync(readFileSync(file));
  const entries = [];
  const text = (at, length) => bytes.subarray(at, at + length).toString('utf8').replace(/\0.*$/s, '');
  let longName = null;
  for (let at = 0; at + 512 <= bytes.length; ) {
    if (bytes[at] === 0) break; // the end-of-archive blocks
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(bytes[at + 156] || 48);
    const prefix = text(at + 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(at, 100)}` : text(at, 100));
    const data = bytes.subarray(at + 512, at + 512 + size);
    longName = null;
    if (type === 'x') longName = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? null;
    else if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '\0') entries.push({ path: name.replace(/^package\//, ''), size, data });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

const LEFTOVERS = [
  [/(^|\/)(test|tests|__tests__|fuzz|bench|coverage|node_modules|\.turbo)\//, 'a test, fuzz, benchmark or tool folder'],
  [/\.test\.[cm]?[jt]s$/, 'a test file'],
  [/\.map$/, 'a source map (its sources are not published)'],
  [/\.tsbuildinfo$|(^|\/)\.DS_Store$/, 'a build leftover'],
  [/^(src|build|build-asan|scripts\/(?!install\.mjs$))/, 'sources or build output that the package does not use'],
];

const packed = {};

function inspectTarball(name, file) {
  const entries = tarEntries(file);
  const paths = new Set(entries.map((e) => e.path));
  const pkgDir = path.join(repoRoot, 'packages', name);
  const manifestEntry = entries.find((e) => e.path === 'package.json');
  assert(manifestEntry, 'no package.json');
  const manifest = JSON.parse(manifestEntry.data.toString('utf8'));
  for (const e of entries) for (const [pattern, what] of LEFTOVERS) assert(!pattern.test(e.path), `${e.path} is ${what}`);
  // dist/ holds what src/ compiles to now: nothing from deleted or renamed sources.
  for (const p of paths) {
    const m = /^dist\/(.*)\.(js|d\.ts)$/.exec(p);
    if (m) assert(existsSync(path.join(pkgDir, 'src', `${m[1]}.ts`)), `${p} has no source in src/ (a stale build output: rebuild the package)`);
  }
  assert(paths.has('README.md'), 'no README.md');
  assert(paths.has('package.json'), 'no package.json');
  assert(manifest.license === 'MIT', `licence ${manifest.license}`);
  assert(manifest.engines?.node, 'no engines.node');
  assert(manifest.type === 'module', 'not "type": "module"');
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies'])
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) assert(!/^(workspace|link|file):/.test(range), `${field}.${dep} is ${range}`);
  const main = manifest.exports?.['.'];
  assert(main && main.types && main.import, 'exports["."] needs "types" and "import"');
  // Every file an export names, through nested conditions ("browser": { "types", "default" }).
  const targets = (target) => (typeof target === 'string' ? [target] : Object.values(target).flatMap(targets));
  for (const [sub, target] of Object.entries(manifest.exports))
    for (const f of targets(target)) assert(paths.has(f.replace(/^\.\//, '')), `exports["${sub}"] names ${f}, which is not in the tarball`);
  for (const f of Object.values(manifest.bin ?? {})) assert(paths.has(f.replace(/^\.\//, '')), `bin ${f} is not in the tarball`);
  const size = statSync(file).size;
  const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
  packed[name] = { file, size, unpacked, files: entries.length, manifest, paths };
  return `${(size / 1e6).toFixed(2)} MB packed, ${(unpacked / 1e6).toFixed(2)} MB unpacked, ${entries.length} files`;
}

// ---- the consumer project -------------------------------------------------

const CONSUMER_TS = `// What a user of the published packages writes: read a MIDI file, infill
// four bars with the default model, write MIDI, read it back.
import { readFileSync, writeFileSync } from 'node:fs';
import { Score, Tokenizer, type ScoreJSON } from '@midigpt/core';
import { InferenceEngine, type GenerationResult } from '@midigpt/inference';
import { DEFAULT_MODEL_NAME, defaultModelPath } from '@midigpt/default-model';
import { buildDataset } from '@midigpt/dataset';
import { createHttpServer } from '@midigpt/server';
import { main } from '@midigpt/cli';

const output = process.argv[2] ?? 'consumer.mid';
const song = Score.fromMidi(readFileSync('song.mid'));
const engine = await InferenceEngine.fromOnnx(defaultModelPath);
const bars = [12, 13, 14, 15];
const result: GenerationResult = await engine.generate(song, { tracks: [{ id: 0, bars }], config: { seed: 1 } });
await engine.release();
writeFileSync(output, result.score.toMidi());

const back = Score.fromMidi(output);
const json: ScoreJSON = back.toJSON();
const before = song.toJSON();
if (json.tracks.length !== before.tracks.length) throw new Error('the track count changed');
const generated = bars.reduce((n, bar) => n + (json.tracks[0]?.bars[bar]?.notes.length ?? 0), 0);
if (generated === 0) throw new Error('no notes in the generated bars');
if (JSON.stringify(json.tracks[1]) !== JSON.stringify(before.tracks[1])) throw new Error('a context track changed');
if (Tokenizer.load('yellow').vocabSize !== 647) throw new Error('the built-in yellow encoder is not the one expected');
for (const f of [buildDataset, createHttpServer, main]) if (typeof f !== 'function') throw new Error('a package export is missing');
console.log(JSON.stringify({ model: DEFAULT_MODEL_NAME, output, tracks: json.tracks.length, generatedNotes: generated }));
`;

/** The \`\`\`ts blocks of a Markdown file. */
function tsBlocks(file) {
  const blocks = [];
  let open = null;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const fence = /^```(\w*)/.exec(line);
    if (fence && !open) open = { lang: fence[1], lines: [] };
    else if (fence && open) {
      if (open.lang === 'ts') blocks.push(open.lines.join('\n'));
      open = null;
    } else open?.lines.push(line);
  }
  return blocks;
}

/** The `npx midigpt …` lines of the shell blocks of a Markdown file. */
function npxCommands(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\s+#\s.*$/, '').trim())
    .filter((l) => /^npx midigpt /.test(l) && !/…/.test(l));
}

// Inside the consumer project, so that `npm exec` and imports find its node_modules.
const fixtures = path.join(consumer, 'fixtures');

function freshFolder(label) {
  mkdirSync(path.join(consumer, 'runs'), { recursive: true });
  const dir = mkdtempSync(path.join(consumer, 'runs', `${label}-`));
  cpSync(fixtures, dir, { recursive: true });
  return dir;
}

// ---- the run --------------------------------------------------------------

console.log(`packages test in ${work}`);
const npmCli = (() => {
  const npm = onPath('npm');
  return npm ? realpathSync(npm) : null;
})();
const npm = (args, options) => run(process.execPath, [npmCli, ...args], options);

await check('imports are declared dependencies (scripts/check-deps.mjs)', async () => {
  const r = await run(process.execPath, [path.join(repoRoot, 'scripts/check-deps.mjs')], { cwd: repoRoot });
  ok(r, 'check-deps');
  return r.stdout.trim().split('\n').at(-1);
});

await check(`prebuild for ${process.platform}-${process.arch} from the built addon`, async () => {
  const r = await run(process.execPath, [path.join(repoRoot, 'packages/core/scripts/prebuild-local.mjs')], { cwd: repoRoot });
  ok(r, 'prebuild-local');
  return r.stderr.trim().split('\n').at(-1);
});

const packOk = await check('pnpm pack of every public package', async () => {
  for (const name of PACKAGES) {
    const r = await run('npx', ['--yes', pnpmSpec, 'pack', '--pack-destination', tarballDir], { cwd: path.join(repoRoot, 'packages', name) });
    ok(r, `pnpm pack (${name})`);
  }
  const files = readdirSync(tarballDir);
  assert(files.length === PACKAGES.length, `expected ${PACKAGES.length} tarballs, got ${files.join(', ')}`);
  return `${files.length} tarballs`;
});
if (!packOk) finish();

for (const name of PACKAGES) {
  const file = readdirSync(tarballDir).find((f) => f.startsWith(`midigpt-${name}-`));
  await check(`tarball @midigpt/${name}`, () => inspectTarball(name, path.join(tarballDir, file)));
}

await check('@midigpt/core tarball: prebuild, C++ sources, CMake files; under 5 MB', () => {
  const core = packed.core;
  assert(core, 'not packed');
  const prebuilds = [...core.paths].filter((p) => p.startsWith('prebuilds/') && p.endsWith('.node'));
  assert(prebuilds.some((p) => p.startsWith(`prebuilds/${process.platform}-${process.arch}/`)), `no prebuild for ${process.platform}-${process.arch} (${prebuilds.join(', ') || 'none'})`);
  for (const f of ['CMakeLists.txt', 'cpp/CMakeLists.txt', 'cpp/node/CMakeLists.txt', 'cpp/node/addon.cpp', 'scripts/install.mjs', 'encoders/yellow_encoder.json', 'wasm/dist/midigpt.wasm', 'dist/browser.js'])
    assert(core.paths.has(f), `${f} is missing`);
  assert(core.manifest.scripts?.install, 'no install script');
  assert(core.size < CORE_LIMIT, `${core.size} bytes packed: over 5 MB`);
  return `prebuilds: ${prebuilds.join(', ')}`;
});

await check('@midigpt/default-model is optional for the CLI and the server; the model is in its tarball', () => {
  for (const name of ['cli', 'server']) {
    const m = packed[name].manifest;
    assert(m.optionalDependencies?.['@midigpt/default-model'], `${name}: not an optionalDependency`);
    assert(!m.dependencies?.['@midigpt/default-model'], `${name}: still a dependency`);
  }
  assert(packed['default-model'].paths.has('model.onnx'), 'model.onnx is missing');
});

await check('@midigpt/server tarball: the built studio (page, script, SoundFont worklet), no source maps', () => {
  const paths = [...packed.server.paths];
  assert(packed.server.paths.has('studio/index.html'), 'studio/index.html is missing');
  assert(paths.some((p) => /^studio\/assets\/index-.*\.js$/.test(p)), 'the studio script is missing');
  assert(paths.some((p) => /^studio\/assets\/spessasynth_processor.*\.js$/.test(p)), 'the SoundFont worklet is missing');
  assert(!paths.some((p) => p.startsWith('studio/') && p.endsWith('.map')), 'a source map in studio/');
  assert(!existsSync(path.join(repoRoot, 'packages/server/studio')), 'postpack left packages/server/studio behind');
});

// The project a user has: the tarballs, TypeScript, Node's types.
mkdirSync(fixtures);
cpSync(path.join(repoRoot, 'examples/pop909-032.mid'), path.join(fixtures, 'song.mid'));
mkdirSync(path.join(fixtures, 'midi'));
for (const f of ['pop909-001.mid', 'pop909-032.mid']) cpSync(path.join(repoRoot, 'examples', f), path.join(fixtures, 'midi', f));
writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'midigpt-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2));

const coreDir = path.join(consumer, 'node_modules/@midigpt/core');
const installOk = await check('npm install of the tarballs (the prebuild is used: nothing compiled)', async () => {
  assert(npmCli, 'npm is not on PATH');
  const tsVersion = rootManifest.devDependencies?.typescript ?? 'latest';
  const nodeTypes = rootManifest.devDependencies?.['@types/node'] ?? 'latest';
  const tarballs = PACKAGES.map((name) => packed[name]?.file).filter(Boolean);
  const r = await npm(['install', '--ignore-scripts=false', '--foreground-scripts', ...tarballs, `typescript@${tsVersion}`, `@types/node@${nodeTypes}`]);
  writeFileSync(path.join(work, 'npm-install.log'), r.output);
  ok(r, 'npm install');
  assert(!existsSync(path.join(coreDir, 'build')), `@midigpt/core compiled on install:\n${tail(r.output)}`);
  assert(!/building the addon from source/.test(r.output), 'the install script built the addon');
  const probe = await run(process.execPath, ['-e', `console.log(require('node-gyp-build').resolve(${JSON.stringify(coreDir)}))`], { cwd: coreDir });
  ok(probe, 'node-gyp-build');
  assert(probe.stdout.includes(`${path.sep}prebuilds${path.sep}`), `the addon loads from ${probe.stdout.trim()}`);
  return path.relative(consumer, probe.stdout.trim());
});
if (!installOk) finish();

// Everything TypeScript, compiled once: the consumer script and the README examples.
const tsFiles = [];
writeFileSync(path.join(consumer, 'consumer.ts'), CONSUMER_TS);
tsFiles.push('consumer.ts');
const readmeExamples = [];
for (const name of PACKAGES) {
  tsBlocks(path.join(repoRoot, 'packages', name, 'README.md')).forEach((code, i) => {
    const file = `readme-${name}-${i + 1}.ts`;
    writeFileSync(path.join(consumer, file), `${code}\nexport {};\n`);
    tsFiles.push(file);
    readmeExamples.push({ name, file });
  });
}
// The TypeScript blocks of the repository's README and docs/api.md: type-checked as a user sees the packages (not run: they name files the test does not have).
let docBlocks = 0;
for (const doc of ['README.md', 'docs/api.md'])
  tsBlocks(path.join(repoRoot, doc)).forEach((code, i) => {
    const file = `doc-${doc.replace(/\W+/g, '-')}-${i + 1}.ts`;
    writeFileSync(path.join(consumer, file), `${code}\nexport {};\n`);
    tsFiles.push(file);
    docBlocks++;
  });
await check(`tsc --strict against the published .d.ts files (consumer script, ${readmeExamples.length} package README examples, ${docBlocks} README.md/docs/api.md blocks)`, async () => {
  const tsc = path.join(consumer, 'node_modules/typescript/bin/tsc');
  // A user's defaults otherwise: every @types package of the project visible, skipLibCheck off.
  const args = ['--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--outDir', 'js', ...tsFiles];
  const r = await run(process.execPath, [tsc, ...args]);
  ok(r, `tsc ${args.join(' ')}`);
  return 'no errors, skipLibCheck off';
});

const runJs = (file, cwd, extra = []) => run(process.execPath, [path.join(consumer, 'js', file.replace(/\.ts$/, '.js')), ...extra], { cwd });

let prebuildMidi = null;
await check('consumer script: example infilled with the default model, MIDI written and read back', async () => {
  const dir = freshFolder('consumer-run');
  const r = await runJs('consumer.ts', dir);
  ok(r, 'consumer.js');
  prebuildMidi = readFileSync(path.join(dir, 'consumer.mid'));
  return r.stdout.trim();
});

for (const { name, file } of readmeExamples)
  await check(`README example of @midigpt/${name} runs (${file})`, async () => {
    const r = await runJs(file, freshFolder(path.basename(file, '.ts')));
    ok(r, file);
    assert(!r.stderr.trim(), `wrote to stderr:\n${tail(r.stderr)}`);
  });

const npx = (args, cwd) => npm(['exec', '--no', '--', ...args], { cwd });

await check('npx midigpt infill from the installed CLI', async () => {
  const dir = freshFolder('cli');
  const r = await npx(['midigpt', 'infill', 'song.mid', '-o', 'cli.mid', '--track', '0', '--bars', '12-15', '--seed', '1'], dir);
  ok(r, 'midigpt infill');
  const back = await run(process.execPath, ['--input-type=module', '-e', "import { Score } from '@midigpt/core'; console.log(JSON.stringify(Score.fromMidi(process.argv[1]).summary().tracks.length))", path.join(dir, 'cli.mid')]);
  ok(back, 'reading cli.mid back');
  assert(back.stdout.trim() === '3', `cli.mid has ${back.stdout.trim()} tracks`);
  return tail(r.stderr, 1);
});

for (const command of npxCommands(path.join(repoRoot, 'packages/cli/README.md')))
  await check(`CLI README: ${command}`, async () => {
    const dir = freshFolder('cli-readme');
    const words = command.split(/\s+/).slice(1);
    const r = await npx(words, dir);
    ok(r, command);
    for (const [i, w] of words.entries()) if (['-o', '--output', '--preview'].includes(w)) assert(existsSync(path.join(dir, words[i + 1])), `${words[i + 1]} was not written`);
  });

await check('npx midigpt-server --help', async () => {
  const r = await npx(['midigpt-server', '--help'], consumer);
  ok(r, 'midigpt-server --help');
});

await check('midigpt serve --studio from the installed CLI serves the studio and the HTTP API', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [npmCli, 'exec', '--no', '--', 'midigpt', 'serve', '--studio', '--http', String(port), '--no-soundfont'], { cwd: consumer, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  try {
    const base = `http://127.0.0.1:${port}`;
    let page = null;
    for (let i = 0; i < 240 && page === null && child.exitCode === null; i++) {
      page = await fetch(`${base}/`).then((r) => (r.ok ? r.text() : null), () => null);
      if (page === null) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert(page !== null, `no answer on port ${port}:\n${tail(output)}`);
    assert(page.includes('<title>midigpt studio</title>'), 'GET / is not the studio page');
    const script = /src="\.?\/?(assets\/index-[^"]+\.js)"/.exec(page)?.[1];
    assert(script && (await fetch(`${base}/${script}`)).ok, `the page's script ${script} is not served`);
    const health = await (await fetch(`${base}/health`)).json();
    assert(health.status === 'ok', `/health: ${JSON.stringify(health)}`);
    return tail(output, 1);
  } finally {
    child.kill('SIGTERM');
  }
});

await check('midigpt studio --static from the installed CLI writes the in-browser studio', async () => {
  const dir = freshFolder('static');
  const r = await npx(['midigpt', 'studio', '--static', 'site'], dir);
  ok(r, 'midigpt studio --static');
  for (const f of ['index.html', 'local.json', 'midigpt.wasm', 'model.onnx', 'ort/ort-wasm-simd-threaded.wasm', 'ort/ort-wasm-simd-threaded.mjs'])
    assert(existsSync(path.join(dir, 'site', f)), `site/${f} was not written`);
  return tail(r.stderr, 2).split('\n')[0];
});

/** A TCP port nothing listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

await check('without @midigpt/default-model: the CLI says how to get a model; --model PATH works', async () => {
  const installed = path.join(consumer, 'node_modules/@midigpt/default-model');
  const away = path.join(work, 'default-model-away');
  renameSync(installed, away);
  try {
    const dir = freshFolder('no-default');
    const r = await npx(['midigpt', 'infill', 'song.mid', '-o', 'x.mid', '-t', '0', '-b', '12-15'], dir);
    assert(r.status === 1, `exit code ${r.status}, expected 1:\n${tail(r.output)}`);
    for (const hint of ['npm i @midigpt/default-model', '--model PATH']) assert(r.stderr.includes(hint), `the message lacks "${hint}": ${r.stderr.trim()}`);
    assert(!/\n\s+at /.test(r.stderr), `a stack trace:\n${r.stderr}`);
    const list = await npx(['midigpt', 'models', 'list'], dir);
    ok(list, 'midigpt models list');
    assert(list.stdout.includes('not installed'), `models list: ${list.stdout}`);
    const withPath = await npx(['midigpt', 'infill', 'song.mid', '-o', 'y.mid', '-t', '0', '-b', '12-15', '--model', path.join(away, 'model.onnx')], dir);
    ok(withPath, 'midigpt infill --model PATH');
    return r.stderr.trim().split('\n')[0];
  } finally {
    renameSync(away, installed);
  }
});

// ---- building from source -------------------------------------------------

const tools = {
  cmake: !!onPath('cmake'),
  compiler: process.platform === 'win32' || ['c++', 'g++', 'clang++'].some((c) => onPath(c)),
  json: process.platform !== 'linux' || existsSync('/usr/include/nlohmann/json.hpp') || existsSync('/usr/local/include/nlohmann/json.hpp'),
};
const missingTools = Object.entries(tools).filter(([, v]) => !v).map(([k]) => ({ cmake: 'CMake', compiler: 'a C++ compiler', json: 'nlohmann-json' })[k]);
const coreLoads = (withEnv = env) => run(process.execPath, ['--input-type=module', '-e', "import { Score } from '@midigpt/core'; Score.fromMidi('song.mid')"], { cwd: fixtures, env: withEnv });

await check('source build without CMake or a compiler: the install names both; the prebuild loads with neither', async () => {
  if (process.platform === 'win32') return { skip: 'PATH tricks for this check are POSIX-only' };
  const bare = path.join(work, 'bare-bin');
  mkdirSync(bare);
  // Only node and a shell on PATH (npm runs scripts with sh).
  symlinkSync(process.execPath, path.join(bare, 'node'));
  symlinkSync('/bin/sh', path.join(bare, 'sh'));
  const r = await npm(['rebuild', '@midigpt/core', '--foreground-scripts'], { env: { ...env, PATH: bare, MIDIGPT_BUILD_FROM_SOURCE: '1' } });
  assert(r.status !== 0, 'the rebuild succeeded without CMake');
  for (const hint of ['CMake 3.20', 'C++20 compiler']) assert(r.output.includes(hint), `the message lacks "${hint}":\n${tail(r.output)}`);
  ok(await coreLoads({ ...env, PATH: bare }), 'loading @midigpt/core (its prebuild) with only node on PATH, after the failed rebuild');
  return r.output.split('\n').find((l) => l.includes('could not be built'))?.trim();
});

await check('source build without nlohmann-json: the install names it', async () => {
  if (!tools.cmake || !tools.compiler) return { skip: `needs ${missingTools.join(' and ')} to get that far` };
  const r = await npm(['rebuild', '@midigpt/core', '--foreground-scripts'], {
    // cmake-js reads its -D options from npm's config through rc: npm_cmake_<name> in the environment.
    env: { ...env, MIDIGPT_BUILD_FROM_SOURCE: '1', npm_cmake_CMAKE_DISABLE_FIND_PACKAGE_nlohmann_json: 'TRUE' },
  });
  assert(r.status !== 0, 'the rebuild succeeded without nlohmann-json');
  assert(r.output.includes('nlohmann-json 3.x'), `the message lacks nlohmann-json:\n${tail(r.output)}`);
  rmSync(path.join(coreDir, 'build'), { recursive: true, force: true });
  ok(await coreLoads(), 'loading @midigpt/core after the failed rebuild');
});

await check('source build: prebuilds removed, npm rebuild @midigpt/core builds from the packaged sources; same MIDI', async () => {
  if (missingTools.length) return { skip: `no source build here: ${missingTools.join(', ')} missing` };
  rmSync(path.join(coreDir, 'prebuilds'), { recursive: true, force: true });
  rmSync(path.join(coreDir, 'build'), { recursive: true, force: true });
  const t0 = Date.now();
  const r = await npm(['rebuild', '@midigpt/core', '--foreground-scripts']);
  writeFileSync(path.join(work, 'source-build.log'), r.output);
  ok(r, 'npm rebuild @midigpt/core');
  const seconds = (Date.now() - t0) / 1000;
  assert(existsSync(path.join(coreDir, 'build/Release/midigpt.node')), 'no build/Release/midigpt.node');
  const dir = freshFolder('source-build');
  const c = await runJs('consumer.ts', dir);
  ok(c, 'consumer.js on the source build');
  if (prebuildMidi) assert(Buffer.compare(prebuildMidi, readFileSync(path.join(dir, 'consumer.mid'))) === 0, 'the source build wrote another MIDI file than the prebuild');
  return `built in ${seconds.toFixed(0)} s; ${c.stdout.trim()}`;
});

finish();

function finish() {
  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const skipped = results.filter((r) => r.status === 'skipped');
  console.log('\npackage          packed      unpacked   files');
  for (const name of PACKAGES) {
    const p = packed[name];
    if (p) console.log(`@midigpt/${name.padEnd(14)}${`${(p.size / 1e6).toFixed(2)} MB`.padStart(9)}  ${`${(p.unpacked / 1e6).toFixed(2)} MB`.padStart(10)}  ${String(p.files).padStart(5)}`);
  }
  if (skipped.length) console.log(`skipped: ${skipped.map((s) => s.name).join('; ')}`);
  console.log(`took ${elapsed(started)}`);
  const keep = failed > 0 || process.env.KEEP_PACKAGES_TEST === '1';
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  console.log(`packages: ${passed} passed, ${failed} failed`);
  process.exit(failed || results.length === 0 ? 1 : 0);
}
