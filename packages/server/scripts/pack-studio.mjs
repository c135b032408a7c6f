#!/usr/bin/env node
// `prepack` / `postpack` of @midigpt/server. The studio is a private workspace
// package (@midigpt/studio), built by Vite into static files; the npm package
// of the server carries that build in ./studio so that `midigpt serve --studio`
// works after `npm i`. `copy` puts packages/studio/dist there (it must be
// built), `clean` removes it again. ./studio is git-ignored.
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.resolve(root, '../studio/dist');
const copy = path.join(root, 'studio');

const command = process.argv[2];
if (command === 'clean') {
  rmSync(copy, { recursive: true, force: true });
} else if (command === 'copy') {
  if (!existsSync(path.join(built, 'index.html'))) {
    console.error(`pack-studio: the studio is not built (${path.join(built, 'index.html')} is missing): run "pnpm --filter @midigpt/studio build" first`);
    process.exit(1);
  }
  rmSync(copy, { recursive: true, force: true });
  cpSync(built, copy, { recursive: true, filter: (file) => !file.endsWith('.map') });
} else {
  console.error('usage: pack-studio.mjs copy|clean');
  process.exit(2);
}
