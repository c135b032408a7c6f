// scripts/check-deps.mjs: a published package may only load what its
// package.json declares. Checked on a made-up package, then on the real ones.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { checkPackage, KNOWN } from '../../scripts/check-deps.mjs';

type Problem = { file: string; line: number; name: string; pkg: string; typeOnly: boolean };
const check = checkPackage as (dir: string, known?: object) => { name: string; problems: Problem[] };

function fakePackage(manifest: object, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'midigpt-check-deps-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@x/fake', files: ['dist', 'bin'], ...manifest }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('check-deps', () => {
  it('fails on every form of undeclared import, and passes declared ones', () => {
    const dir = fakePackage(
      { dependencies: { declared: '1' }, optionalDependencies: { '@x/optional': '1' }, devDependencies: { devonly: '1', typesonly: '1' } },
      {
        'src/index.ts': [
          "import fs from 'node:fs';",
          "import path from 'path';",
          "import { a } from 'declared/sub';",
          "import { b } from './local.js';",
          "import self from '@x/fake/sub';",
          "import { c } from 'devonly';",
          "import type { T } from 'typesonly';",
          "export { d } from '@scoped/reexported/deep';",
          "const e = await import('dynamic');",
          "const f = await import('@x/optional');",
          "type G = import('typeref').G;",
          "const h = createRequire(import.meta.url).resolve('resolved/package.json');",
        ].join('\n'),
        'bin/run.js': "require('from-bin');",
        'test/a.test.ts': "import 'test-only';",
        'src/b.test.ts': "import 'test-only-too';",
      },
    );
    const { problems } = check(dir);
    expect(problems.map((p) => [p.pkg, p.typeOnly])).toEqual([
      ['devonly', false],
      ['typesonly', true],
      ['@scoped/reexported', false],
      ['dynamic', false],
      ['typeref', true],
      ['resolved', false],
      ['from-bin', false],
    ]);
    expect(problems[0]).toMatchObject({ file: path.join('src', 'index.ts'), line: 6, name: 'devonly' });
  });

  it('every public package of the repository passes', () => {
    for (const name of ['core', 'inference', 'dataset', 'default-model', 'cli', 'server']) {
      const { problems } = check(path.resolve(__dirname, '../../packages', name));
      expect(problems, name).toEqual([]);
    }
  });

  it('the known exceptions are only the ones that are needed', () => {
    const server = path.resolve(__dirname, '../../packages/server');
    const without = check(server, {}).problems.map((p) => p.pkg);
    expect([...new Set(without)]).toEqual(Object.keys((KNOWN as Record<string, object>)['@midigpt/server']!));
  });
});
