// `npm test`: typecheck, lint, unit + integration (vitest), then end-to-end (Playwright on Debian's Chromium
// against the headless host). Every stage runs even when an earlier one fails, so one run shows everything; the
// last line sums them all: `N passed, N failed, N skipped` (typecheck and lint count as one test each).
// Pass `--only unit|e2e|static` to run a part.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined;
const wanted = (part) => !only || only === part;

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
// The names of what failed, printed again just above the totals: a CI log is often read from its tail only.
const failures = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function add(label, passed, failed, skipped) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(`${label}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

if (wanted('static')) {
  const tsc = run('typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  add('typecheck', tsc ? 1 : 0, tsc ? 0 : 1, 0);
  const lint = run('lint (eslint)', bin('eslint'), ['.', '--max-warnings', '0']);
  add('lint', lint ? 1 : 0, lint ? 0 : 1, 0);
}

// The renderer is built first: the e2e tests serve it, and a few integration tests start the real host through
// `scripts/start.mjs`, which would otherwise build it inside their time limit on a clean clone (CI).
const rendererBuilt = wanted('unit') || wanted('e2e') ? run('build renderer (vite)', bin('vite'), ['build', '--logLevel', 'warn']) : false;

if (wanted('unit')) {
  const out = join(results, 'vitest.json');
  run('unit + integration (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile=${out}`], { TZ: 'UTC' });
  const report = readJson(out);
  for (const file of report?.testResults ?? []) {
    const where = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests) failures.push(`vitest ${where} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    if (file.status === 'failed' && failedTests.length === 0) failures.push(`vitest ${where}: ${firstLine(file.message)}`);
  }
  if (report) add('vitest', report.numPassedTests, report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0) + failedSuites(report), report.numPendingTests + report.numTodoTests);
  else add('vitest', 0, 1, 0);
}

function firstLine(text) {
  // eslint-disable-next-line no-control-regex -- the colour codes of a reporter's message
  return String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 300) ?? '';
}

function failedSuites(report) {
  // A file that fails to load, or whose beforeAll throws, has no failed test in it (its tests are skipped or
  // absent); count the file itself, or a broken suite would pass silently.
  return (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
}

if (wanted('e2e')) {
  if (!rendererBuilt) {
    failures.push('build renderer (vite) failed: no end-to-end test ran');
    add('e2e', 0, 1, 0);
  }
  else {
    const out = join(results, 'e2e.json');
    run('end-to-end (playwright)', bin('playwright'), ['test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: out });
    const report = readJson(out);
    if (report?.stats) {
      const s = report.stats;
      collectE2eFailures(report.suites ?? []);
      for (const e of report.errors ?? []) failures.push(`e2e error: ${firstLine(e.message)}`);
      add('e2e', s.expected + s.flaky, s.unexpected + (report.errors?.length ?? 0), s.skipped);
    } else add('e2e', 0, 1, 0);
  }
}

function collectE2eFailures(suites) {
  for (const suite of suites) {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status !== 'unexpected' && t.status !== 'flaky') continue;
        const failed = (t.results ?? []).find((r) => r.status !== 'passed' && r.status !== 'skipped');
        const kind = t.status === 'flaky' ? 'flaky (passed on retry)' : 'e2e';
        failures.push(`${kind} ${spec.file}:${spec.line} › ${spec.title}: ${firstLine(failed?.error?.message)}`);
      }
    }
    collectE2eFailures(suite.suites ?? []);
  }
}

if (failures.length > 0) console.log('\nfailed or flaky:\n' + failures.map((f) => `  ${f}`).join('\n'));
console.log('\n' + lines.join('\n'));
const summary = `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`;
writeFileSync(join(results, 'summary.txt'), summary + '\n');
if (!existsSync(results)) mkdirSync(results);
console.log(summary);
process.exit(totals.failed === 0 ? 0 : 1);
