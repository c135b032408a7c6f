#!/usr/bin/env node
// Builds the C++ core as WebAssembly (first step of issue #19):
// wasm/dist/midigpt.wasm, from the same CMake targets as the native addon
// (see wasm/CMakeLists.txt); src/wasm.ts loads it. Needs Emscripten (Debian:
// apt-get install emscripten) and nlohmann-json3-dev; emnapi and
// node-addon-api come from node_modules.
//   node scripts/build-wasm.mjs [--opt=-O2|-Os|-Oz] [--clean]
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'wasm');
const build = path.join(source, 'build');
const output = path.join(source, 'dist', 'midigpt.wasm');
const args = process.argv.slice(2);
const opt = args.find((a) => a.startsWith('--opt='))?.slice('--opt='.length) ?? process.env.MIDIGPT_WASM_OPT ?? '-O2';
if (!/^-O[0-3sz]$/.test(opt)) throw new Error(`build-wasm: --opt must be -O0..-O3, -Os or -Oz (got ${opt})`);

const say = (line) => console.error(`@midigpt/core build:wasm: ${line}`);

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}
if (!have('emcmake') || !have('em++')) {
  say('Emscripten is not installed (Debian/Ubuntu: apt-get install emscripten)');
  process.exit(1);
}

// Debian's Emscripten runs its JS optimizer with Node and needs acorn, which
// Debian installs (node-acorn) under /usr/share/nodejs: Node from another
// source (NodeSource, nvm) does not look there.
const env = { ...process.env };
if (existsSync('/usr/share/nodejs/acorn')) env.NODE_PATH = ['/usr/share/nodejs', env.NODE_PATH].filter(Boolean).join(path.delimiter);

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env });
  if (result.status !== 0) {
    say(`failed: ${command} ${commandArgs.join(' ')}`);
    process.exit(result.status ?? 1);
  }
}

if (args.includes('--clean')) rmSync(build, { recursive: true, force: true });
const generator = have('ninja') ? ['-G', 'Ninja'] : [];
const started = Date.now();
run('emcmake', ['cmake', '-S', source, '-B', build, ...generator, `-DMIDIGPT_WASM_OPT=${opt}`, '-Wno-dev', '--log-level=WARNING']);
run('cmake', ['--build', build, '--parallel', String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length))]);

const bytes = readFileSync(output);
say(
  `${path.relative(process.cwd(), output)}: ${statSync(output).size} bytes, ${gzipSync(bytes, { level: 9 }).length} gzip (${opt}, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
