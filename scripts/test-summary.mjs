// Adds up ctest's and vitest's results into one closing line:
// "tests: N passed, N failed". Exits 1 when a report is missing.
import { existsSync, readFileSync } from 'node:fs';

const [ctestLog, vitestJson] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let complete = true;

const ctest = existsSync(ctestLog) ? readFileSync(ctestLog, 'utf8').match(/tests passed, (\d+) tests failed out of (\d+)/) : null;
if (ctest) {
  failed += Number(ctest[1]);
  passed += Number(ctest[2]) - Number(ctest[1]);
} else {
  console.error('test summary: no ctest result found');
  complete = false;
}

if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
} else {
  console.error('test summary: no vitest report found');
  complete = false;
}

console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(complete ? 0 : 1);
