#!/usr/bin/env node
// `prepack` / `postpack` of @midigpt/core. The npm package builds from source
// where no prebuild matches (scripts/install.mjs), so it carries the C++ the
// addon is made of: `copy` puts the repository's cpp/ (the library and the
// N-API binding, without tests, fuzz targets and their corpus, benchmarks)
// into ./cpp, where CMakeLists.txt looks outside the repository; `clean`
// removes the copy again. ./cpp is git-ignored.
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.resolve(root, '../../cpp');
const copy = path.join(root, 'cpp');
const LEFT_OUT = new Set(['tests', 'fuzz', 'bench']);
const KEPT = /(^CMakeLists\.txt|\.(cpp|h|hpp|in|json))$/;

const command = process.argv[2];
if (command === 'clean') {
  rmSync(copy, { recursive: true, force: true });
} else if (command === 'copy') {
  if (!existsSync(path.join(source, 'node/addon.cpp'))) {
    console.error(`pack-sources: no C++ sources at ${source}; pack @midigpt/core from the midigpt repository`);
    process.exit(1);
  }
  rmSync(copy, { recursive: true, force: true });
  cpSync(source, copy, {
    recursive: true,
    filter: (file) => {
      const relative = path.relative(source, file);
      if (!relative) return true;
      if (LEFT_OUT.has(relative.split(path.sep)[0])) return false;
      return statSync(file).isDirectory() || KEPT.test(path.basename(file));
    },
  });
  const prebuilds = path.join(root, 'prebuilds');
  const platforms = existsSync(prebuilds) ? readdirSync(prebuilds) : [];
  console.error(
    platforms.length
      ? `pack-sources: C++ sources copied; prebuilds for ${platforms.join(', ')}`
      : 'pack-sources: C++ sources copied; WARNING: no prebuilds/ (every install will build from source; run `pnpm run prebuild:local` or the prebuild workflow first)',
  );
} else {
  console.error('usage: pack-sources.mjs copy|clean');
  process.exit(2);
}
