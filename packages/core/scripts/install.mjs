#!/usr/bin/env node
// The `install` step of @midigpt/core in a user's project:
//   1. in the midigpt repository (a pnpm workspace) it does nothing: there the
//      addon is built by `pnpm run build`, never by `pnpm install`;
//   2. when an addon loads (a prebuild from prebuilds/<platform>-<arch>/, or an
//      earlier build in build/Release) it does nothing more;
//   3. otherwise it builds the addon from the C++ sources shipped in ./cpp with
//      cmake-js, and when that cannot work says what is missing (CMake, a
//      C++20 compiler, nlohmann-json).
// `npm install --build-from-source` or MIDIGPT_BUILD_FROM_SOURCE=1 skip step 2.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const target = `${process.platform}-${process.arch} (Node ${process.version})`;

const say = (line) => console.error(`@midigpt/core: ${line}`);

function inWorkspace() {
  return existsSync(path.join(root, '../../pnpm-workspace.yaml')) && existsSync(path.join(root, '../../cpp/node/addon.cpp'));
}

function forced() {
  const flag = (value) => value === '1' || value === 'true';
  return flag(process.env.MIDIGPT_BUILD_FROM_SOURCE) || flag(process.env.npm_config_build_from_source);
}

// Loads the addon the way the package does (node-gyp-build), in a child
// process so that a binary that cannot load (another libc, a missing symbol)
// cannot take this process down. Returns null when it loads, else the reason.
function loadError() {
  let loader;
  try {
    loader = require.resolve('node-gyp-build');
  } catch {
    return 'node-gyp-build is not installed';
  }
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(loader)})(${JSON.stringify(root)})`], { encoding: 'utf8' });
  if (probe.status === 0) return null;
  return (probe.stderr || probe.error?.message || `exit code ${probe.status}`).trim().split('\n').find((l) => l.trim()) ?? 'unknown error';
}

// An executable on PATH (PATHEXT on Windows), or null.
function onPath(name) {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (existsSync(file)) return file;
    }
  }
  return null;
}

const HOW = {
  cmake: 'CMake 3.20 or newer (Debian/Ubuntu: apt-get install cmake; macOS: brew install cmake; Windows: https://cmake.org/download/)',
  compiler:
    'a C++20 compiler (Debian/Ubuntu: apt-get install g++; macOS: xcode-select --install; Windows: Visual Studio 2022 with "Desktop development with C++")',
  json: 'nlohmann-json 3.x (Debian/Ubuntu: apt-get install nlohmann-json3-dev; macOS: brew install nlohmann-json; Windows: vcpkg install nlohmann-json)',
};

function fail(missing, detail) {
  const lines = [
    `the addon for ${target} could not be built from source${detail ? ` (${detail})` : ''}.`,
    ...(missing.length ? ['Building it needs:', ...missing.map((m) => `  - ${HOW[m]}`)] : []),
    `${missing.length ? 'Install what is missing' : 'Fix what the output above says'}, then run \`npm rebuild @midigpt/core\` (or reinstall).`,
  ];
  for (const line of lines) say(line);
  process.exit(1);
}

// What the tools around us lack, as far as can be told before running CMake.
function missingTools() {
  const missing = [];
  const cmake = spawnSync('cmake', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  const version = cmake.status === 0 ? /cmake version (\d+)\.(\d+)/.exec(cmake.stdout) : null;
  if (!version || Number(version[1]) < 3 || (Number(version[1]) === 3 && Number(version[2]) < 20)) missing.push('cmake');
  if (process.platform !== 'win32') {
    const cxx = process.env.CXX ? process.env.CXX.split(' ')[0] : null;
    const found = cxx ? existsSync(cxx) || onPath(cxx) : ['c++', 'g++', 'clang++'].some((name) => onPath(name));
    if (!found) missing.push('compiler');
  }
  return missing;
}

// Names what the CMake/compiler output says is missing.
function diagnose(output) {
  const missing = [];
  if (/nlohmann[-_]json/i.test(output) && /not (been )?found|could not find/i.test(output)) missing.push('json');
  if (/No CMAKE_CXX_COMPILER could be found|CMAKE_CXX_COMPILER.*(not found|NOTFOUND)|is not able to compile a simple test program|does not support C\+\+20|language dialect "?CXX20|unrecognized command[- ]line option .-std=c\+\+20/i.test(output))
    missing.push('compiler');
  return missing;
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    const keep = (stream, sink) =>
      stream.on('data', (chunk) => {
        output += chunk;
        sink.write(chunk);
      });
    keep(child.stdout, process.stderr);
    keep(child.stderr, process.stderr);
    child.on('error', (error) => resolve({ code: 1, output: `${output}\n${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function buildFromSource(reason) {
  say(`building the addon from source for ${target}${reason ? ` (${reason})` : ''}`);
  if (!existsSync(path.join(root, 'cpp/node/addon.cpp'))) fail([], 'the C++ sources are missing from this package');
  const missing = missingTools();
  if (missing.length) fail(missing, reason);
  let cmakeJs;
  try {
    cmakeJs = path.join(path.dirname(require.resolve('cmake-js/package.json')), 'bin/cmake-js');
    require.resolve('node-addon-api');
  } catch {
    say('cmake-js or node-addon-api is missing: they are dependencies of @midigpt/core; reinstall it without --omit or --no-optional flags that drop them.');
    process.exit(1);
  }
  const jobs = String(Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length));
  const result = await run(process.execPath, [cmakeJs, 'rebuild', '--out', 'build', '--log-level', 'warn', '--parallel', jobs]);
  if (result.code !== 0) {
    const found = diagnose(result.output);
    fail(found, found.length ? reason : 'the build failed; its output is above');
  }
  const error = loadError();
  if (error) {
    say(`the addon was built but does not load: ${error}`);
    process.exit(1);
  }
  // Keep the addon, drop the object files and CMake's cache.
  const buildDir = path.join(root, 'build');
  for (const entry of readdirSync(buildDir)) if (entry !== 'Release') rmSync(path.join(buildDir, entry), { recursive: true, force: true });
  say('built build/Release/midigpt.node');
}

if (inWorkspace()) process.exit(0);
if (forced()) {
  await buildFromSource('build from source requested');
} else {
  const error = loadError();
  if (error) {
    const reason = !existsSync(path.join(root, 'prebuilds'))
      ? 'this package has no prebuilds'
      : /No native build was found/.test(error)
        ? `no prebuild for ${process.platform}-${process.arch}`
        : `the prebuild does not load here: ${error}`;
    await buildFromSource(reason);
  }
}
