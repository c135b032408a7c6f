#!/usr/bin/env node
// Accepts the node-gyp arguments prebuildify passes (rebuild --target=...
// --arch=... --release) and runs the equivalent cmake-js build into
// build/Release, where prebuildify looks for the .node file.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const arch = args.find((a) => a.startsWith('--arch='))?.slice('--arch='.length);
const debug = args.includes('--debug');
const cmakeArgs = ['cmake-js', 'rebuild', '--out', 'build'];
if (arch) cmakeArgs.push('--arch', arch);
if (debug) cmakeArgs.push('--debug');
const result = spawnSync('npx', ['--no-install', ...cmakeArgs], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
