// The benchmark of cmon-mcp against the reference server on the official TypeScript SDK (issue 9).
// Started by bench/run (which raises the file limit); see docs/performance.md for what it measures.
//
//   bench/run [--smoke | --quick] [--no-docs] [--out FILE]
//
// Every process it starts (cmon-sim, both servers, wrk, hyperfine, the node clients) is stopped by it;
// all traffic goes to 127.0.0.1; every step has a time limit.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import os from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const { values: cli } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const mode = cli.smoke ? 'smoke' : cli.quick ? 'quick' : 'full';
const plan = {
  smoke: { rounds: 1, seconds: 1, concurrency: [1, 16], scale: [50], startupRuns: 3, warmup: 0, idleStarts: 1, wrkTimeout: 20 },
  quick: { rounds: 1, seconds: 4, concurrency: [1, 16, 256], scale: [1000, 10000], startupRuns: 10, warmup: 2, idleStarts: 3, wrkTimeout: 60 },
  full: { rounds: 2, seconds: 10, concurrency: [1, 16, 256], scale: [1000, 5000, 10000], startupRuns: 30, warmup: 3, idleStarts: 3, wrkTimeout: 60 },
}[mode];
const buildDir = process.env.BUILD_DIR || join(root, 'build');
const ours = process.env.CMON_MCP || join(buildDir, 'cmon-mcp');
const simBinary = process.env.CMON_SIM || join(buildDir, 'cmon-sim');
const work = join(process.env.BENCH_RESULTS || join(here, 'results'), `${mode}-${process.pid}`);
mkdirSync(work, { recursive: true });
for (const f of [ours, simBinary]) if (!existsSync(f)) fail(`${f} is missing: build first (scripts/build.sh)`);
if (!existsSync(join(here, 'node_modules/@modelcontextprotocol/sdk'))) fail('bench/node_modules is missing: run npm ci in bench/');

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(1);
}
const log = (m) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------------ processes
const children = new Set();
function stopAll() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.on('exit', stopAll);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(s, () => {
    stopAll();
    process.exit(130);
  });

function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

// Runs a command to completion (killed after timeoutMs); resolves with its code and output.
function run(cmd, args, { env = {}, timeoutMs = 60000, input } = {}) {
  return new Promise((resolveRun) => {
    const child = track(spawn(cmd, args, { env: { ...process.env, ...env }, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code: signal ? -1 : code, stdout, stderr });
    });
  });
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 12000);
  await once(child, 'exit');
  clearTimeout(t);
}

function waitForLine(stream, pattern, child, what, timeoutMs = 30000) {
  return new Promise((resolveLine, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in ${timeoutMs / 1000} s`)), timeoutMs);
    const rl = createInterface({ input: stream });
    let last = '';
    rl.on('line', (line) => {
      last = line;
      const m = pattern.exec(line);
      if (m) {
        clearTimeout(timer);
        resolveLine(m);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited early (${code}): ${last}`));
    });
  });
}

// CPU time (user + system) a process has used so far, in microseconds.
const cpuUs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicks;
};
const clockTicks = 100; // USER_HZ on Linux
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

// ------------------------------------------------------------------------------------------ simulator
async function startSim() {
  const child = track(spawn(simBinary, ['--bind', '127.0.0.1:0', '--job-speed', '20'], { stdio: ['ignore', 'pipe', 'ignore'] }));
  const lines = [];
  await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error('cmon-sim did not start')), 20000);
    createInterface({ input: child.stdout }).on('line', (l) => {
      lines.push(l);
      if (lines.length === 3) {
        clearTimeout(timer);
        res();
      }
    });
    child.on('exit', (c) => rej(new Error(`cmon-sim exited (${c})`)));
  });
  const admin = lines[1].replace(/^admin on /, '');
  return {
    child,
    endpoint: lines[0].replace(/^listening on /, ''),
    async stats() {
      return (await fetch(`${admin}/stats`)).json();
    },
    async resetStats() {
      await fetch(`${admin}/stats/reset`, { method: 'POST', body: '{}' });
    },
  };
}

// ------------------------------------------------------------------------------------------ servers
const servers = {
  ours: {
    label: 'cmon-mcp',
    // --config: an empty file, so that an installed /etc/default/cmon-mcp cannot change what is measured.
    args: (sim, extra = []) => [ours, ['--config', emptyConfig, '-endpoint', sim.endpoint, '-username', 'admin', ...extra]],
    httpArgs: (maxSessions) => ['-bind', '127.0.0.1:0', '-max-sessions', String(maxSessions), '-rate-limit', '0'],
    stdioArgs: () => [],
  },
  reference: {
    label: 'TS SDK reference',
    args: (sim, extra = []) => [process.execPath, [join(here, 'reference/server.mjs'), '--catalogue', cataloguePath, '--endpoint', sim.endpoint, ...extra]],
    httpArgs: (maxSessions) => ['--bind', '127.0.0.1:0', '--max-sessions', String(maxSessions)],
    stdioArgs: () => ['--stdio'],
  },
};
const order = ['ours', 'reference'];
const serverEnv = { CMON_PASSWORD: 'admin', CMON_USERNAME: 'admin' };
let cataloguePath = '';
const emptyConfig = join(work, 'empty.env');
writeFileSync(emptyConfig, '');

async function startHttp(name, sim, maxSessions = 20000) {
  const [cmd, args] = servers[name].args(sim, servers[name].httpArgs(maxSessions));
  const child = track(spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...serverEnv } }));
  const m = await waitForLine(child.stderr, /serving MCP on http:\/\/127\.0\.0\.1:(\d+)/, child, servers[name].label);
  child.stderr.resume();
  const base = `http://127.0.0.1:${m[1]}`;
  return { child, pid: child.pid, base, url: `${base}/mcp` };
}

const client = (args, timeoutMs = 300000) => run(process.execPath, [join(here, 'lib/client.mjs'), ...args], { timeoutMs });

// ------------------------------------------------------------------------------------------ measurements
const bodies = {
  'tools/list': { jsonrpc: '2.0', id: 0, method: 'tools/list' },
  'tools/call': { jsonrpc: '2.0', id: 0, method: 'tools/call', params: { name: 'list_clusters', arguments: {} } },
  ping: { jsonrpc: '2.0', id: 0, method: 'ping' },
};
for (const [op, body] of Object.entries(bodies)) writeFileSync(join(work, `${op.replace('/', '_')}.json`), JSON.stringify(body));
const bodyFile = (op) => join(work, `${op.replace('/', '_')}.json`);

async function wrk(url, env, connections) {
  const threads = Math.min(connections, 2);
  const r = await run(
    'wrk',
    ['-t', String(threads), '-c', String(connections), '-d', `${plan.seconds}s`, '--timeout', '10s', '-s', join(here, 'wrk/mcp.lua'), url],
    { env: { ...env, BENCH_THREADS: String(threads) }, timeoutMs: (plan.seconds + plan.wrkTimeout) * 1000 },
  );
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"requests"'));
  if (r.code !== 0 || !line) throw new Error(`wrk failed (${r.code}): ${r.stderr.slice(0, 500)} ${r.stdout.slice(0, 500)}`);
  const out = JSON.parse(line);
  out.rps = out.requests / (out.duration_us / 1e6);
  out.errors_total = Object.values(out.errors).reduce((a, b) => a + b, 0);
  return out;
}

async function throughputPhase(sim) {
  log(`throughput: ${Object.keys(bodies).join(', ')} at c=${plan.concurrency.join('/')}, ${plan.seconds} s each, ${plan.rounds} round(s) A B`);
  const maxC = Math.max(...plan.concurrency);
  const live = {};
  for (const name of order) {
    live[name] = await startHttp(name, sim);
    const ids = await client(['sessions', live[name].url, String(maxC)]);
    if (ids.code !== 0) throw new Error(`${name}: cannot open sessions: ${ids.stderr}`);
    live[name].sessions = ids.stdout.trim().split('\n');
    for (const op of Object.keys(bodies)) {
      const c = await client(['check', live[name].url, live[name].sessions[0], bodyFile(op)]);
      if (c.code !== 0) throw new Error(`${name}: ${op} does not answer correctly: ${c.stderr}`);
    }
  }
  const cookie = (await client(['cookie', sim.endpoint])).stdout.trim();
  const directBody = join(work, 'direct.json');
  writeFileSync(directBody, JSON.stringify({ operation: 'getAllClusterInfo', with_hosts: true }));
  const results = []; // {server, op, c, round, ...wrk}
  const cmon = { ours: { calls: 0, handshakes: 0, logins: 0 }, reference: { calls: 0, handshakes: 0, logins: 0 } };
  const direct = [];
  for (let round = 1; round <= plan.rounds; round++) {
    for (const op of Object.keys(bodies)) {
      for (const c of plan.concurrency) {
        for (const name of order) {
          const sessionsFile = join(work, `sessions-${name}-${c}.txt`);
          writeFileSync(sessionsFile, live[name].sessions.slice(0, c).join('\n') + '\n');
          if (op === 'tools/call') await sim.resetStats();
          const cpu0 = cpuUs(live[name].pid);
          const simCpu0 = cpuUs(sim.child.pid);
          const r = await wrk(live[name].url, { BENCH_BODY: bodyFile(op), BENCH_SESSIONS: sessionsFile }, c);
          r.cpu_us_per_request = (cpuUs(live[name].pid) - cpu0) / Math.max(1, r.requests);
          r.sim_cpu_us_per_request = (cpuUs(sim.child.pid) - simCpu0) / Math.max(1, r.requests);
          if (op === 'tools/call') {
            const s = await sim.stats();
            cmon[name].calls += s.requests;
            cmon[name].handshakes += s.tls_handshakes;
            cmon[name].logins += s.logins;
          }
          results.push({ server: name, op, c, round, ...r });
          log(`  round ${round} ${name.padEnd(9)} ${op.padEnd(10)} c=${String(c).padEnd(3)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${fmtMs(r.latency_us.p50)}  p99 ${fmtMs(r.latency_us.p99)}  CPU ${r.cpu_us_per_request.toFixed(0)} us/req  errors ${r.errors_total}`);
        }
      }
    }
    direct.push(await wrk(sim.endpoint, { BENCH_BODY: directBody, BENCH_COOKIE: cookie, BENCH_PATH: '/v2/clusters' }, 1));
  }
  const threadsOf = (pid) => Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  const info = Object.fromEntries(order.map((n) => [n, { threads: threadsOf(live[n].pid) }]));
  for (const name of order) await stop(live[name].child);
  return { results, cmon, direct, info };
}

async function scalePhase(sim) {
  const out = [];
  // One request per session that does not wait for CMON: this measures sessions, not the backend.
  const call = JSON.stringify({ jsonrpc: '2.0', method: 'ping' });
  for (const n of plan.scale) {
    for (const kind of ['sse', 'http']) {
      for (const name of order) {
        const srv = await startHttp(name, sim, Math.max(20000, n + 100));
        await sleep(500);
        const r = await client(['scale', kind, srv.base, String(n), String(srv.pid), call], 600000);
        await stop(srv.child);
        if (r.code !== 0) {
          out.push({ server: name, kind, sessions: n, failures: n, first_error: r.stderr.trim().slice(0, 300) });
          log(`  scale ${name} ${kind} ${n}: client failed: ${r.stderr.trim().slice(0, 200)}`);
          continue;
        }
        const s = JSON.parse(r.stdout);
        out.push({ server: name, ...s });
        log(`  scale ${name.padEnd(9)} ${kind.padEnd(4)} N=${String(n).padEnd(5)} ${(s.per_session_kib).toFixed(1).padStart(7)} KiB/session  failures ${s.failures}${s.first_error ? ' (' + s.first_error + ')' : ''}  open ${s.open_ms} ms`);
      }
    }
  }
  return out;
}

async function footprintPhase(sim) {
  const out = {};
  for (const name of order) {
    const rss = [];
    for (let i = 0; i < plan.idleStarts; i++) {
      const srv = await startHttp(name, sim);
      await sleep(1000);
      rss.push(rssKiB(srv.pid));
      await stop(srv.child);
    }
    const init = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
    writeFileSync(join(work, 'init.jsonl'), init + '\n');
    const [cmd, args] = servers[name].args(sim, servers[name].stdioArgs());
    const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = `CMON_PASSWORD=admin ${[cmd, ...args].map(q).join(' ')} < ${q(join(work, 'init.jsonl'))} | head -c 1 >/dev/null`;
    const exportFile = join(work, `startup-${name}.json`);
    const h = await run('hyperfine', ['--runs', String(plan.startupRuns), '--warmup', String(plan.warmup), '--export-json', exportFile, '--style', 'none', command], { timeoutMs: 300000 });
    if (h.code !== 0) throw new Error(`hyperfine (${name}) failed: ${h.stderr.slice(0, 400)}`);
    const hr = JSON.parse(readFileSync(exportFile, 'utf8')).results[0];
    const first = await run(process.execPath, [join(here, 'lib/client.mjs'), 'startup', String(plan.startupRuns), cmd, ...args], { env: serverEnv, timeoutMs: 300000 });
    if (first.code !== 0) throw new Error(`start-up (${name}) failed: ${first.stderr.slice(0, 400)}`);
    const st = JSON.parse(first.stdout);
    out[name] = {
      idle_rss_kib: median(rss),
      startup_median_ms: st.median_ms,
      startup_min_ms: st.min_ms,
      lifecycle_median_ms: hr.median * 1000,
      startup_cpu_ms: (hr.user + hr.system) * 1000,
    };
    log(`  footprint ${name.padEnd(9)} idle RSS ${(out[name].idle_rss_kib / 1024).toFixed(1)} MiB, start-up to initialize answered ${out[name].startup_median_ms.toFixed(1)} ms (median of ${plan.startupRuns}), with exit ${out[name].lifecycle_median_ms.toFixed(1)} ms`);
  }
  // Binary size: ours as built and stripped; the reference needs node plus its node_modules.
  const stripped = join(work, 'cmon-mcp.stripped');
  await run('strip', ['-o', stripped, ours]);
  out.ours.binary_bytes = statSync(ours).size;
  out.ours.stripped_bytes = existsSync(stripped) ? statSync(stripped).size : 0;
  out.reference.node_bytes = statSync(process.execPath).size;
  out.reference.node_modules_bytes = dirSize(join(here, 'node_modules'));
  return out;
}

function dirSize(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += dirSize(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

// ------------------------------------------------------------------------------------------ report
const fmtMs = (us) => (us >= 10000 ? `${(us / 1000).toFixed(0)} ms` : `${(us / 1000).toFixed(2)} ms`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const ratio = (a, b) => (b > 0 ? a / b : NaN);
const fmtRatio = (r) => (Number.isFinite(r) ? `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}x` : 'n/a');
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

async function machine() {
  const cache = existsSync(join(buildDir, 'CMakeCache.txt')) ? readFileSync(join(buildDir, 'CMakeCache.txt'), 'utf8') : '';
  const buildType = /CMAKE_BUILD_TYPE:\w+=(.*)/.exec(cache)?.[1] || 'unknown';
  const compilerPath = /CMAKE_CXX_COMPILER:\w+=(.*)/.exec(cache)?.[1] || 'c++';
  const cv = await run(compilerPath, ['--version'], { timeoutMs: 10000 });
  const wv = await run('wrk', ['--version'], { timeoutMs: 10000 });
  return {
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model?.trim() || 'unknown',
    memory_gib: (os.totalmem() / 2 ** 30).toFixed(1),
    kernel: `${os.type()} ${os.release()}`,
    compiler: (cv.stdout.split('\n')[0] || 'unknown').trim(),
    build_type: buildType,
    node: process.version,
    wrk: ((wv.stdout + wv.stderr).split('\n')[0] || '').split(' [')[0].trim(),
    load_average: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

function report(m, tp, scale, fp) {
  const lines = [];
  const cell = (server, op, c) => tp.results.filter((r) => r.server === server && r.op === op && r.c === c);
  lines.push('### Request throughput and latency (Streamable HTTP, JSON responses)', '');
  lines.push(`Each cell: median over ${plan.rounds} round(s) of ${plan.seconds} s, servers run alternately (A B${plan.rounds > 1 ? ' A B' : ''}).`, '');
  lines.push('| Request | c | cmon-mcp req/s | reference req/s | ratio | cmon-mcp p50 / p99 / p99.9 | reference p50 / p99 / p99.9 | p99 ratio | server CPU per request (ours / ref) | CPU ratio (ref/ours) | errors (ours/ref) |');
  lines.push('|---|---:|---:|---:|---:|---|---|---:|---|---:|---|');
  const summary = {};
  for (const op of Object.keys(bodies)) {
    for (const c of plan.concurrency) {
      const a = cell('ours', op, c);
      const b = cell('reference', op, c);
      const agg = (xs) => ({
        rps: median(xs.map((x) => x.rps)),
        p50: median(xs.map((x) => x.latency_us.p50)),
        p99: median(xs.map((x) => x.latency_us.p99)),
        p999: median(xs.map((x) => x.latency_us.p999)),
        errors: xs.reduce((s, x) => s + x.errors_total, 0),
        cpu: median(xs.map((x) => x.cpu_us_per_request)),
        simCpu: median(xs.map((x) => x.sim_cpu_us_per_request)),
      });
      const A = agg(a);
      const B = agg(b);
      summary[`${op}@${c}`] = { ours: A, reference: B };
      lines.push(
        `| ${op} | ${c} | ${A.rps.toFixed(0)} | ${B.rps.toFixed(0)} | ${fmtRatio(ratio(A.rps, B.rps))} | ${fmtMs(A.p50)} / ${fmtMs(A.p99)} / ${fmtMs(A.p999)} | ${fmtMs(B.p50)} / ${fmtMs(B.p99)} / ${fmtMs(B.p999)} | ${fmtRatio(ratio(A.p99, B.p99))} | ${A.cpu.toFixed(0)} µs / ${B.cpu.toFixed(0)} µs | ${fmtRatio(ratio(B.cpu, A.cpu))} | ${A.errors}/${B.errors} |`,
      );
    }
  }
  lines.push('', '### Sessions held at once (each: initialize + one ping)', '');
  lines.push('| Transport | N | cmon-mcp KiB/session | reference KiB/session | ratio (ref/ours) | cmon-mcp failures | reference failures | cmon-mcp RSS at N | reference RSS at N |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const n of plan.scale) {
    for (const kind of ['sse', 'http']) {
      const a = scale.find((s) => s.server === 'ours' && s.kind === kind && s.sessions === n) || {};
      const b = scale.find((s) => s.server === 'reference' && s.kind === kind && s.sessions === n) || {};
      const k = (x) => (x.per_session_kib !== undefined ? x.per_session_kib.toFixed(1) : 'n/a');
      const rss = (x) => (x.rss_after_kib ? mib(x.rss_after_kib) : 'n/a');
      lines.push(`| ${kind === 'sse' ? 'legacy SSE (stream held open)' : 'Streamable HTTP'} | ${n} | ${k(a)} | ${k(b)} | ${fmtRatio(ratio(b.per_session_kib, a.per_session_kib))} | ${a.failures ?? 'n/a'} | ${b.failures ?? 'n/a'} | ${rss(a)} | ${rss(b)} |`);
    }
  }
  lines.push('', '### Footprint', '');
  lines.push('| | cmon-mcp | reference | ratio |', '|---|---:|---:|---:|');
  lines.push(`| idle RSS after start (HTTP, median of ${plan.idleStarts}) | ${mib(fp.ours.idle_rss_kib)} | ${mib(fp.reference.idle_rss_kib)} | ${fmtRatio(ratio(fp.ours.idle_rss_kib, fp.reference.idle_rss_kib))} |`);
  lines.push(`| start-up to answered initialize, stdio (median of ${plan.startupRuns}; fastest) | ${fp.ours.startup_median_ms.toFixed(1)} ms; ${fp.ours.startup_min_ms.toFixed(1)} ms | ${fp.reference.startup_median_ms.toFixed(1)} ms; ${fp.reference.startup_min_ms.toFixed(1)} ms | ${fmtRatio(ratio(fp.ours.startup_median_ms, fp.reference.startup_median_ms))} |`);
  lines.push(`| start, answer initialize, exit at end of input (hyperfine, median) | ${fp.ours.lifecycle_median_ms.toFixed(1)} ms | ${fp.reference.lifecycle_median_ms.toFixed(1)} ms | ${fmtRatio(ratio(fp.ours.lifecycle_median_ms, fp.reference.lifecycle_median_ms))} |`);
  lines.push(`| CPU time of that (user + system, mean) | ${fp.ours.startup_cpu_ms.toFixed(1)} ms | ${fp.reference.startup_cpu_ms.toFixed(1)} ms | ${fmtRatio(ratio(fp.ours.startup_cpu_ms, fp.reference.startup_cpu_ms))} |`);
  lines.push(`| on disk | ${mib(fp.ours.stripped_bytes / 1024)} stripped (${mib(fp.ours.binary_bytes / 1024)} with debug info) | node ${mib(fp.reference.node_bytes / 1024)} + node_modules ${mib(fp.reference.node_modules_bytes / 1024)} | |`);
  lines.push(`| threads while serving | ${tp.info.ours.threads} | ${tp.info.reference.threads} | |`);
  lines.push('', '### CMON side (during the tools/call runs)', '');
  const d50 = median(tp.direct.map((d) => d.latency_us.p50));
  const d99 = median(tp.direct.map((d) => d.latency_us.p99));
  lines.push('| | cmon-mcp | reference |', '|---|---:|---:|');
  const cph = (x) => (x.handshakes ? (x.calls / x.handshakes).toFixed(0) : `${x.calls} (no new handshake)`);
  lines.push(`| CMON calls | ${tp.cmon.ours.calls} | ${tp.cmon.reference.calls} |`);
  lines.push(`| TLS handshakes | ${tp.cmon.ours.handshakes} | ${tp.cmon.reference.handshakes} |`);
  lines.push(`| CMON calls per TLS handshake | ${cph(tp.cmon.ours)} | ${cph(tp.cmon.reference)} |`);
  lines.push(`| logins | ${tp.cmon.ours.logins} | ${tp.cmon.reference.logins} |`);
  const sc = summary[`tools/call@${plan.concurrency[plan.concurrency.length > 1 ? 1 : 0]}`];
  lines.push(`| cmon-sim CPU per tools/call (c=${plan.concurrency[plan.concurrency.length > 1 ? 1 : 0]}) | ${sc.ours.simCpu.toFixed(0)} µs | ${sc.reference.simCpu.toFixed(0)} µs |`);
  const c1 = summary['tools/call@1'];
  lines.push(`| tools/call p50 at c=1 minus a direct getAllClusterInfo (p50 ${fmtMs(d50)}, p99 ${fmtMs(d99)}) | ${fmtMs(c1.ours.p50 - d50)} | ${fmtMs(c1.reference.p50 - d50)} |`);

  // Targets of issue 9.
  const t = [];
  const c16 = (op) => summary[`${op}@16`] || summary[`${op}@${plan.concurrency[plan.concurrency.length - 1]}`];
  const check = (name, value, ok) => t.push(`| ${name} | ${value} | ${ok ? 'met' : '**missed**'} |`);
  for (const op of ['tools/call', 'tools/list']) {
    const s = c16(op);
    check(`${op} throughput at c=16 >= 5x reference`, fmtRatio(ratio(s.ours.rps, s.reference.rps)), ratio(s.ours.rps, s.reference.rps) >= 5);
    check(`${op} p99 at c=16 <= 1/5 of reference`, fmtRatio(ratio(s.ours.p99, s.reference.p99)), ratio(s.ours.p99, s.reference.p99) <= 0.2);
    t.push(`| (for reading the above) server CPU per ${op} at c=16, reference / ours | ${fmtRatio(ratio(s.reference.cpu, s.ours.cpu))} | info |`);
  }
  const maxN = Math.max(...plan.scale);
  const sseA = scale.find((s) => s.server === 'ours' && s.kind === 'sse' && s.sessions === maxN) || {};
  const sseB = scale.find((s) => s.server === 'reference' && s.kind === 'sse' && s.sessions === maxN) || {};
  const memRatio = ratio(sseB.per_session_kib, sseA.per_session_kib);
  check('memory per idle SSE session >= 10x below reference', `${fmtRatio(memRatio)} (N=${maxN})`, memRatio >= 10);
  const oursMax = scale.filter((s) => s.server === 'ours' && s.sessions === maxN);
  const zero = oursMax.length === 2 && oursMax.every((s) => s.failures === 0);
  check(`${maxN} concurrent sessions, zero errors (SSE and Streamable HTTP)`, oursMax.map((s) => `${s.kind}: ${s.failures ?? '?'} failed`).join(', '), zero && maxN >= 10000);
  check('idle RSS < 15 MB (15,000,000 bytes)', mib(fp.ours.idle_rss_kib), fp.ours.idle_rss_kib * 1024 < 15e6);
  check('start-up to answered initialize < 50 ms (median)', `${fp.ours.startup_median_ms.toFixed(1)} ms`, fp.ours.startup_median_ms < 50);
  const perHs = tp.cmon.ours.handshakes ? tp.cmon.ours.calls / tp.cmon.ours.handshakes : tp.cmon.ours.calls;
  check('>= 100 CMON calls per TLS handshake under load', perHs.toFixed(0), perHs >= 100);

  const table = lines.join('\n');
  const targets = ['| Target (issue 9) | Measured | |', '|---|---|---|', ...t].join('\n');
  return { table, targets, summary };
}

function machineText(m) {
  return [
    `- CPUs: ${m.cpus} (${m.cpu_model}); memory: ${m.memory_gib} GiB; kernel: ${m.kernel}`,
    `- cmon-mcp: ${m.build_type} build, ${m.compiler}`,
    `- reference: Node.js ${m.node}, @modelcontextprotocol/sdk ${JSON.parse(readFileSync(join(here, 'node_modules/@modelcontextprotocol/sdk/package.json'), 'utf8')).version}`,
    `- load generator: ${m.wrk} (Lua script bench/wrk/mcp.lua), on the same machine`,
    `- load average when the run started: ${m.load_average}`,
  ].join('\n');
}

// ------------------------------------------------------------------------------------------ main
const deadline = setTimeout(() => {
  log('the run took more than 60 minutes: giving up');
  process.exit(2);
}, 3600000);
deadline.unref();

const m = await machine();
log(`mode ${mode}; ${m.cpus} CPUs, load ${m.load_average}; cmon-mcp ${m.build_type}`);
const sim = await startSim();
cataloguePath = join(work, 'catalogue.json');
const cat = await run(ours, ['tools', '--format', 'json', '--config', emptyConfig, '-endpoint', sim.endpoint, '-username', 'admin'], { env: serverEnv, timeoutMs: 30000 });
if (cat.code !== 0) fail(`cmon-mcp tools --format json failed: ${cat.stderr}`);
writeFileSync(cataloguePath, cat.stdout);
const toolCount = JSON.parse(cat.stdout).length;
log(`catalogue: ${toolCount} tools, ${cat.stdout.length} bytes of JSON`);

let tp, scale, fp;
try {
  tp = await throughputPhase(sim);
  log(`sessions: N=${plan.scale.join('/')} per transport and server`);
  scale = await scalePhase(sim);
  log('footprint');
  fp = await footprintPhase(sim);
} finally {
  await stop(sim.child);
}
const rep = report(m, tp, scale, fp);
const raw = { mode, machine: m, tools: toolCount, plan, throughput: tp, scale, footprint: fp };
writeFileSync(join(work, 'results.json'), JSON.stringify(raw, null, 1));
process.stdout.write(`\n${rep.table}\n\n${rep.targets}\n\nMachine:\n${machineText(m)}\n\nraw results: ${work}/results.json\n`);

// Failed requests or sessions are a broken harness or server, whatever the timings: the smoke test fails.
const failed = tp.results.reduce((n, r) => n + r.errors_total, 0) + scale.reduce((n, r) => n + (r.failures ?? 0), 0);
if (failed) log(`${failed} request(s) or session(s) failed (see the tables)`);

if (mode !== 'smoke' && !cli['no-docs']) {
  const docPath = cli.out || join(root, 'docs/performance.md');
  const template = readFileSync(join(here, 'performance.md.in'), 'utf8');
  const doc = template
    .replace('@MODE@', mode)
    .replace('@MACHINE@', machineText(m))
    .replace('@TOOLS@', String(toolCount))
    .replace('@RESULTS@', rep.table)
    .replace('@TARGETS@', rep.targets);
  writeFileSync(docPath, doc);
  log(`wrote ${docPath.startsWith(root) ? docPath.slice(root.length + 1) : docPath}`);
}
process.exit(failed && mode === 'smoke' ? 1 : 0);
