// Soak test (not part of ctest; scripts/soak.sh runs it): mixed traffic for MINUTES across all three
// transports against one cmon-mcp daemon (Streamable HTTP and legacy SSE clients that connect, call a
// few tools and disconnect, over and over) and one long-lived stdio cmon-mcp process, with CMON session
// expiries now and then. Samples RSS, open descriptors and CMON sessions of both processes every
// SAMPLE_S seconds, and fails when they grew between the end of the warm-up and the end of the run.
//   node soak.mjs --soak MINUTES [--workers N]   (env CMON_MCP, CMON_SIM, optional BUILD_DIR for logs)
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startSim, startDaemon, logStderr } from './daemon_helpers.mjs';
import { SECRETS, sleep, connect, disconnect, procStats, assertBackToBaseline, textOf } from './fault_helpers.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const minutes = arg('--soak', 0);
const workers = arg('--workers', 4);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 30);
if (!(minutes > 0)) {
  console.error('usage: node soak.mjs --soak MINUTES [--workers N]');
  process.exit(2);
}

const MAX_SESSIONS = 50;
const calls = [
  ['list_clusters', {}],
  ['get_cluster', { cluster_name: 'prod-galera' }],
  ['get_cluster_health', { cluster_name: 'prod-galera' }],
  ['list_nodes', { cluster_name: 'prod-galera' }],
  ['list_jobs', { cluster_name: 'prod-galera', limit: 5 }],
  ['list_backups', { cluster_name: 'prod-galera' }],
  ['list_alarms', {}],
  ['get_cluster', { cluster_name: 'no-such-cluster' }], // a tool error now and then
];

const counts = { sessions: 0, calls: 0, ok: 0, toolErrors: 0, failures: 0, stdioCalls: 0 };
const failures = [];

const sim = await startSim(['--user', `${SECRETS.user}:${SECRETS.password}`]);
const daemon = await startDaemon(
  sim,
  ['-max-sessions', String(MAX_SESSIONS), '-rate-limit', '0'],
  { MCP_AUTH_TOKEN: SECRETS.token, CMON_PASSWORD: SECRETS.password },
  SECRETS.user,
);
const stdioTransport = new StdioClientTransport({
  command: process.env.CMON_MCP,
  args: ['-endpoint', sim.endpoint, '-username', SECRETS.user],
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CMON_PASSWORD: SECRETS.password },
  stderr: 'pipe',
});
const stdio = new Client({ name: 'soak-stdio', version: '1.0.0' });
const stdioStderr = stdioTransport.stderr;
logStderr(stdioStderr, 'cmon-mcp-stdio');
await stdio.connect(stdioTransport);
const stdioPid = stdioTransport.pid;

const end = Date.now() + minutes * 60000;
let stopping = false;

async function record(promise, where) {
  counts.calls++;
  try {
    const r = await promise;
    if (r.isError) {
      counts.toolErrors++;
      if (!/no-such-cluster|not found|Known clusters/i.test(textOf(r))) failures.push(`${where}: ${textOf(r).slice(0, 200)}`);
    } else counts.ok++;
  } catch (e) {
    counts.failures++;
    failures.push(`${new Date().toISOString()} ${where}: ${String(e?.message ?? e).slice(0, 300)}`);
  }
}

async function httpWorker(i) {
  let n = 0;
  while (!stopping && Date.now() < end) {
    const kind = (i + n++) % 2 ? 'sse' : 'streamable';
    let c;
    try {
      c = await connect(daemon, kind);
    } catch (e) {
      counts.failures++;
      failures.push(`connect ${kind}: ${String(e?.message ?? e).slice(0, 200)}`);
      await sleep(500);
      continue;
    }
    counts.sessions++;
    const k = 3 + (n % 5);
    for (let j = 0; j < k && Date.now() < end; j++) {
      const [name, args] = calls[(i * 7 + n * 3 + j) % calls.length];
      await record(c.client.callTool({ name, arguments: args }, undefined, { timeout: 60000 }), `${kind} ${name}`);
    }
    await disconnect(c);
    await sleep(50);
  }
}

async function stdioWorker() {
  let n = 0;
  while (!stopping && Date.now() < end) {
    const [name, args] = calls[n++ % calls.length];
    counts.stdioCalls++;
    await record(stdio.callTool({ name, arguments: args }, undefined, { timeout: 60000 }), `stdio ${name}`);
    await sleep(100);
  }
}

async function expirer() {
  while (!stopping && Date.now() < end) {
    await sleep(45000);
    if (Date.now() < end) await sim.expireSessions();
  }
}

const samples = [];
async function sampler() {
  const t0 = Date.now();
  while (!stopping) {
    const d = procStats(daemon.child.pid);
    const s = procStats(stdioPid);
    const state = await sim.state();
    const sample = { t: Math.round((Date.now() - t0) / 1000), httpRssKb: d.rssKb, httpFds: d.fds, stdioRssKb: s.rssKb, stdioFds: s.fds, cmonSessions: state.sessions, ...counts };
    samples.push(sample);
    console.log(JSON.stringify(sample));
    if (Date.now() >= end) break;
    await sleep(Math.min(SAMPLE_S * 1000, Math.max(0, end - Date.now())));
  }
}

const sampling = sampler();
await Promise.all([...Array.from({ length: workers }, (_, i) => httpWorker(i)), stdioWorker(), expirer()]);
stopping = true;
await sampling;

// Growth check: from the first sample after the warm-up (a fifth of the run, at least one sample in)
// to the last. Allocator caches and pools fill during the warm-up.
const warm = samples[Math.max(1, Math.floor(samples.length / 5))] ?? samples[0];
const last = samples[samples.length - 1];
const summary = {
  minutes,
  workers,
  ...counts,
  callsPerSecond: +(counts.calls / (minutes * 60)).toFixed(1),
  httpRssKb: { warm: warm.httpRssKb, last: last.httpRssKb, max: Math.max(...samples.map((x) => x.httpRssKb)) },
  httpFds: { warm: warm.httpFds, last: last.httpFds, max: Math.max(...samples.map((x) => x.httpFds)) },
  stdioRssKb: { warm: warm.stdioRssKb, last: last.stdioRssKb },
  stdioFds: { warm: warm.stdioFds, last: last.stdioFds },
  cmonSessions: { warm: warm.cmonSessions, last: last.cmonSessions },
};
console.log(`SUMMARY ${JSON.stringify(summary)}`);

let status = 0;
try {
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} calls failed`);
  assert.equal(counts.failures, 0);
  // Growth bounds: 20% + 16 MB of RSS over the measured span, a few descriptors (pooled CMON connections).
  assert.ok(last.httpRssKb <= warm.httpRssKb * 1.2 + 16384, `HTTP daemon RSS grew: ${warm.httpRssKb} -> ${last.httpRssKb} kB`);
  assert.ok(last.stdioRssKb <= warm.stdioRssKb * 1.2 + 16384, `stdio server RSS grew: ${warm.stdioRssKb} -> ${last.stdioRssKb} kB`);
  assert.ok(last.httpFds <= warm.httpFds + 8, `HTTP daemon descriptors grew: ${warm.httpFds} -> ${last.httpFds}`);
  assert.ok(last.stdioFds <= warm.stdioFds + 8, `stdio server descriptors grew: ${warm.stdioFds} -> ${last.stdioFds}`);
  // Every MCP session was released: MAX_SESSIONS new ones are accepted at once.
  await assertBackToBaseline(daemon, { rssKb: last.httpRssKb, fds: warm.httpFds + 8 }, MAX_SESSIONS);
  console.log('soak: PASS');
} catch (e) {
  console.error(`soak: FAIL: ${e.message}`);
  for (const f of failures.slice(0, 20)) console.error(`  ${f}`);
  status = 1;
} finally {
  await stdio.close();
  await daemon.stop();
  await sim.stop();
}
process.exit(status);
