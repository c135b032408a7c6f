#!/usr/bin/env node
// Makes this machine's prebuild from the addon `pnpm run build` already built:
// build/Release/midigpt.node, stripped, as prebuilds/<platform>-<arch>/@midigpt+core.node
// (the name `prebuildify --napi` gives it; node-gyp-build loads any *.node in
// the folder that matches the platform and architecture). The release
// workflow (.github/workflows/prebuild.yml) builds every platform with
// `prebuildify` instead; this is for packing on the machine that built.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'build/Release/midigpt.node');
if (!existsSync(built)) {
  console.error(`prebuild-local: ${built} does not exist; run \`pnpm --filter @midigpt/core run build\` first`);
  process.exit(1);
}
const dir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const dest = path.join(dir, '@midigpt+core.node');
copyFileSync(built, dest);
// Debug symbols off, as `prebuildify --strip` does (strip -Sx on macOS, --strip-all elsewhere).
if (process.platform !== 'win32') {
  const args = process.platform === 'darwin' ? ['-Sx', dest] : ['--strip-all', dest];
  const strip = spawnSync('strip', args, { stdio: 'inherit' });
  if (strip.error || strip.status !== 0) console.error('prebuild-local: strip failed or is missing; the prebuild keeps its symbols');
}
console.error(`prebuild-local: ${path.relative(root, dest)} (${(statSync(dest).size / 2 ** 20).toFixed(2)} MiB)`);
