#!/usr/bin/env node
// Every module a published package loads must be one its package.json
// declares: a package installed from npm gets its `dependencies`,
// `optionalDependencies` and `peerDependencies`, nothing of the workspace.
//
// For each public package (packages/*, not "private"), this reads the sources
// of what it publishes — src/ (compiled to dist/), bin/ and any script named
// in `files` — with the TypeScript parser and collects every module
// specifier: static and dynamic imports, re-exports, `import('x')` types,
// `require('x')` and `require.resolve('x')` (also on a `createRequire(...)`).
// A bare specifier must be a Node built-in, the package itself, or a declared
// dependency (any of the three kinds above).
//
// Type-only imports count like the others: they stay in the published .d.ts
// files, which a consumer's compiler reads. Test files (test/, *.test.ts) are
// not published and are not read, so they may use devDependencies freely.
//
// KNOWN lists the undeclared imports a package handles on purpose, with why.
//
// Usage: node scripts/check-deps.mjs [packages/NAME ...]
// Prints a line per package and "deps: N passed, N failed"; exits 1 on a failure.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ts = createRequire(path.join(repoRoot, 'package.json'))('typescript');

/** Undeclared imports that are handled on purpose: package → specifier → reason. */
export const KNOWN = {
  '@midigpt/core': {
    '@emnapi/core':
      'loaded only when MIDIGPT_CORE_BACKEND=wasm selects the WebAssembly core (src/wasm.ts), which is not published yet (issue #19); a devDependency until it is',
    '@emnapi/runtime':
      'loaded only when MIDIGPT_CORE_BACKEND=wasm selects the WebAssembly core (src/wasm.ts), which is not published yet (issue #19); a devDependency until it is',
  },
  '@midigpt/server': {
    '@midigpt/studio':
      'resolved at run time for `--studio` only; the studio is a private workspace package, and a clear error says when it is missing',
  },
};

const SOURCE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const isTest = (file) => /(^|[\\/])test[\\/]|\.test\.[cm]?[jt]s$/.test(file);

function walk(dir) {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return SOURCE.test(dir) ? [dir] : [];
  return readdirSync(dir).flatMap((name) => (name === 'node_modules' ? [] : walk(path.join(dir, name))));
}

/** The source files behind what a package publishes. */
export function publishedSources(dir, manifest) {
  const entries = (manifest.files ?? ['.']).filter((f) => !f.startsWith('!'));
  const roots = new Set(['src']);
  for (const entry of entries) if (entry !== 'dist') roots.add(entry);
  for (const bin of Object.values(typeof manifest.bin === 'string' ? { bin: manifest.bin } : (manifest.bin ?? {}))) roots.add(bin);
  return [...new Set([...roots].flatMap((r) => walk(path.join(dir, r))))].filter((f) => !isTest(path.relative(dir, f)));
}

/** Every module specifier a file names, with whether it is type-only. */
export function specifiers(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const add = (node, typeOnly) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ name: node.text, typeOnly, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const isRequire = (expr) =>
    (ts.isIdentifier(expr) && expr.text === 'require') ||
    (ts.isCallExpression(expr) && ts.isIdentifier(expr.expression) && expr.expression.text === 'createRequire');
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const allTypes =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, allTypes);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const dynamicImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const plainRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const resolve = ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve' && isRequire(callee.expression);
      if (dynamicImport || plainRequire || resolve) add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const builtins = new Set(builtinModules);

/** The package a bare specifier names, or null for relative paths, built-ins and subpath imports. */
export function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return null;
  if (specifier.startsWith('node:') || builtins.has(specifier) || builtins.has(specifier.split('/')[0])) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The problems of one package folder: [{file, line, name, pkg, typeOnly}]. */
export function checkPackage(dir, known = KNOWN) {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const allowed = known[manifest.name] ?? {};
  const problems = [];
  const files = publishedSources(dir, manifest);
  for (const file of files)
    for (const s of specifiers(file)) {
      const pkg = packageOf(s.name);
      if (pkg && !declared.has(pkg) && !(pkg in allowed)) problems.push({ file: path.relative(dir, file), line: s.line, name: s.name, pkg, typeOnly: s.typeOnly });
    }
  return { name: manifest.name, files: files.length, problems };
}

function publicPackages() {
  const root = path.join(repoRoot, 'packages');
  return readdirSync(root)
    .map((name) => path.join(root, name))
    .filter((dir) => existsSync(path.join(dir, 'package.json')) && !JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).private);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => path.resolve(d)) : publicPackages();
  let passed = 0;
  let failed = 0;
  for (const dir of dirs) {
    const { name, files, problems } = checkPackage(dir);
    if (problems.length === 0) {
      passed++;
      console.log(`ok      ${name}: ${files} source files, every import declared`);
    } else {
      failed++;
      console.log(`FAILED  ${name}: imports modules its package.json does not declare:`);
      for (const p of problems)
        console.log(`          ${p.file}:${p.line}: '${p.name}'${p.typeOnly ? ' (type-only)' : ''}: add ${p.pkg} to dependencies, optionalDependencies or peerDependencies`);
    }
  }
  console.log(`deps: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
