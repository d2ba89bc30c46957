// Runs after every other test (ctest fixture cleanup, see tests/e2e/CMakeLists.txt): scans the logs the
// suite produced for the secrets the tests configured and fails if any appears.
//   Logs: $BUILD_DIR/test-logs/** (stderr of every daemon and simulator the end-to-end tests start),
//         $BUILD_DIR/Testing/Temporary/LastTest*.log (ctest's record of every test's output) and
//         $BUILD_DIR/sanitizer-reports/** (scripts/test.sh).
//   Secrets: the passwords, tokens and key material of the tests (fault_helpers.mjs SECRETS; token and
//         password literals of at least 12 characters in the end-to-end tests; passwords of the
//         simulator's fixtures that differ from the user name and have 8+ characters, a password equal
//         to its user name cannot be told apart from the name), and PEM private keys: any
//         "PRIVATE KEY-----" line and the body lines of any private key file the tests left behind.
// Usage: node scan_logs.mjs (BUILD_DIR and the source tree are found from the environment / this file).
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRETS } from './fault_helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '..', '..');
const build = process.env.BUILD_DIR;
if (!build) {
  console.error('BUILD_DIR must name the build directory');
  process.exit(2);
}

function walk(dir, out = [], depth = 0) {
  if (!existsSync(dir) || depth > 8) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== '.git') walk(p, out, depth + 1);
    } else if (e.isFile()) out.push(p);
  }
  return out;
}

// ---- what must never appear
const secrets = new Map(); // value -> where it comes from
const add = (value, origin) => {
  if (typeof value === 'string' && value.length >= 8) secrets.set(value, origin);
};
for (const [k, v] of Object.entries(SECRETS)) if (k !== 'user') add(v, `fault_helpers.mjs SECRETS.${k}`);

for (const f of readdirSync(here).filter((n) => n.endsWith('.mjs'))) {
  const text = readFileSync(join(here, f), 'utf8');
  for (const m of text.matchAll(/(?:token|password|secret)\w*['"]?\s*[:=]\s*['"]([^'"\s]{12,})['"]/gi)) add(m[1], `tests/e2e/${f}`);
}

const fixtures = join(source, 'tests', 'sim', 'fixtures');
for (const f of existsSync(fixtures) ? readdirSync(fixtures).filter((n) => n.endsWith('.json')) : []) {
  const users = JSON.parse(readFileSync(join(fixtures, f), 'utf8')).users ?? [];
  for (const u of users) if (u.password && u.password !== u.user_name) add(u.password, `fixture ${f} user ${u.user_name}`);
}

const keyLines = new Map();
for (const f of [...walk(build)].filter((p) => /\.(pem|key)$/.test(p))) {
  let text;
  try {
    if (statSync(f).size > 1 << 20) continue;
    text = readFileSync(f, 'utf8');
  } catch {
    continue;
  }
  if (!/PRIVATE KEY-----/.test(text)) continue;
  for (const line of text.split('\n')) if (/^[A-Za-z0-9+/=]{40,}$/.test(line.trim())) keyLines.set(line.trim(), relative(build, f));
}

// ---- where to look
const logs = [
  ...walk(join(build, 'test-logs')),
  ...walk(join(build, 'sanitizer-reports')),
  ...walk(join(build, 'Testing', 'Temporary')).filter((p) => /LastTest.*\.log$/.test(p)),
];

const findings = [];
let bytes = 0;
for (const log of logs) {
  const text = readFileSync(log, 'utf8');
  bytes += text.length;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const where = `${relative(build, log)}:${i + 1}`;
    for (const [value, origin] of secrets) if (line.includes(value)) findings.push(`${where}: the secret from ${origin}`);
    if (/PRIVATE KEY-----/.test(line)) findings.push(`${where}: a PEM private key`);
    for (const [value, file] of keyLines) if (line.includes(value)) findings.push(`${where}: key material of ${file}`);
  });
}

console.log(`scanned ${logs.length} log files (${(bytes / 1e6).toFixed(1)} MB) for ${secrets.size} secrets and ${keyLines.size} key lines`);
if (logs.length === 0) {
  console.error('no logs found: the tests should have written some');
  process.exit(1);
}
if (findings.length) {
  console.error(`secrets found in logs (values not repeated here):\n${findings.slice(0, 50).join('\n')}`);
  process.exit(1);
}
