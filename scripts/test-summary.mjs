// Adds up the results of every test run into one closing line:
// "tests: N passed, N failed". Arguments: ctest logs (*.log whose name starts
// with "ctest"), the fuzz smoke log (fuzz*.log: one test per target, passed
// when it ran without findings), vitest's JSON report (*.json) and the
// packages test's log (packages*.log: its "packages: N passed, N failed"
// line). Exits 1 when a report is missing or incomplete.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

let passed = 0;
let failed = 0;
let complete = true;

function missing(what, file) {
  console.error(`test summary: no ${what} result in ${file}`);
  complete = false;
}

for (const file of process.argv.slice(2)) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : null;
  const name = path.basename(file);
  if (name.endsWith('.json')) {
    if (!text) { missing('vitest', file); continue; }
    const report = JSON.parse(text);
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  } else if (name.startsWith('packages')) {
    const line = text?.match(/^packages: (\d+) passed, (\d+) failed$/m);
    if (!line) { missing('packages', file); continue; }
    passed += Number(line[1]);
    failed += Number(line[2]);
  } else if (name.startsWith('fuzz')) {
    const targets = text ? [...text.matchAll(/^(\S+)\s+\d+ execs\s+\S+ edges\s+(\d+) findings\s+rc (\d+)$/gm)] : [];
    if (targets.length === 0) { missing('fuzz', file); continue; }
    for (const [, , findings, rc] of targets) (findings === '0' && rc === '0' ? passed++ : failed++);
  } else {
    const ctest = text?.match(/tests passed, (\d+) tests failed out of (\d+)/);
    if (!ctest) { missing('ctest', file); continue; }
    failed += Number(ctest[1]);
    passed += Number(ctest[2]) - Number(ctest[1]);
  }
}

console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(complete ? 0 : 1);
