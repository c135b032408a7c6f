// Produces prebuilds/<platform>-<arch>/@midigpt+core.node with prebuildify.
// prebuildify drives node-gyp's command line; we point it at a shim that runs
// cmake-js instead (see cmake-js-shim.mjs), so the same CMake build is used.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
// prebuildify spawns this without a shell on POSIX (so: an executable file) and with one on Windows.
const shimPath = path.join(here, 'cmake-js-shim.mjs');
const shim = process.platform === 'win32' ? `"${process.execPath}" "${shimPath}"` : shimPath;
const result = spawnSync('prebuildify', ['--napi', '--strip', ...process.argv.slice(2)], {
  cwd: path.join(here, '..'),
  stdio: 'inherit',
  shell: true,
  env: { ...process.env, PREBUILD_NODE_GYP: shim },
});
process.exit(result.status ?? 1);
