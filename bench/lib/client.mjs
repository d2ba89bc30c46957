// Small MCP-over-HTTP clients the benchmark needs besides wrk (plain node:http, no SDK, so that the
// client's own cost stays small and equal for both servers). Loopback only; every wait is bounded.
//
//   client.mjs sessions URL K        open K Streamable HTTP sessions, print their ids (one per line)
//   client.mjs check URL SID BODY    send BODY (a file) in session SID, exit 1 unless it got a result
//   client.mjs scale sse|http URL N PID [CALLJSON]
//                                    open N sessions (SSE streams held open, or Streamable HTTP sessions),
//                                    each doing initialize + one call; print a JSON line with the server's
//                                    RSS before and after and the failures
//   client.mjs cookie SIMURL         log in to cmon-sim, print the cmon-sid cookie
//   client.mjs startup RUNS CMD ARGS...
//                                    start a stdio server RUNS times, write initialize, time exec to the
//                                    answer's line; print a JSON line with the median and the runs
import http from 'node:http';
import { spawn } from 'node:child_process';
import https from 'node:https';
import { readFileSync } from 'node:fs';

export const PROTOCOL = '2025-06-18';
const INIT = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: 'cmon-mcp-bench', version: '1' } },
};
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };

function checkLoopback(url) {
  const u = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error(`refusing non-loopback ${url}`);
  return u;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(url, { method = 'POST', headers = {}, body, timeoutMs = 30000 } = {}) {
  const u = checkLoopback(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, agent, headers, timeout: timeoutMs },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${u.pathname} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const mcpHeaders = (sid) => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': PROTOCOL,
  ...(sid ? { 'mcp-session-id': sid } : {}),
});

// The JSON-RPC answer in a JSON or SSE body.
function answerOf(text) {
  const t = text.trim();
  if (t.startsWith('{')) return JSON.parse(t);
  for (const line of t.split('\n')) if (line.startsWith('data:') && line.length > 6) return JSON.parse(line.slice(5));
  throw new Error(`no JSON-RPC answer in: ${t.slice(0, 200)}`);
}

export async function openSession(url) {
  const r = await request(url, { headers: mcpHeaders(), body: JSON.stringify(INIT) });
  if (r.status !== 200) throw new Error(`initialize: HTTP ${r.status} ${r.text.slice(0, 200)}`);
  const sid = r.headers['mcp-session-id'];
  if (!sid || !answerOf(r.text).result) throw new Error('initialize gave no session');
  const n = await request(url, { headers: mcpHeaders(sid), body: JSON.stringify(INITIALIZED) });
  if (n.status !== 202 && n.status !== 200) throw new Error(`initialized: HTTP ${n.status}`);
  return sid;
}

async function callIn(url, sid, message) {
  const r = await request(url, { headers: mcpHeaders(sid), body: typeof message === 'string' ? message : JSON.stringify(message) });
  if (r.status !== 200) throw new Error(`HTTP ${r.status} ${r.text.slice(0, 200)}`);
  const a = answerOf(r.text);
  if (!a.result) throw new Error(`no result: ${r.text.slice(0, 300)}`);
  if (a.result.isError) throw new Error(`tool error: ${JSON.stringify(a.result.content).slice(0, 300)}`);
  return a.result;
}

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

// Runs `jobs` (functions returning promises) with at most `width` at once.
async function pool(jobs, width) {
  let next = 0;
  const results = new Array(jobs.length);
  await Promise.all(
    Array.from({ length: Math.min(width, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        try {
          results[i] = { ok: true, value: await jobs[i]() };
        } catch (e) {
          results[i] = { ok: false, error: e.message };
        }
      }
    }),
  );
  return results;
}

// A legacy SSE session: GET /sse held open; answers arrive on it as `message` events.
function openSse(base, call) {
  const u = checkLoopback(base + '/sse');
  return new Promise((resolve, reject) => {
    let buffer = '';
    let postUrl = null;
    const waiting = new Map();
    const timer = setTimeout(() => fail(new Error('SSE session did not complete in 60 s')), 60000);
    const req = http.get({ host: u.hostname, port: u.port, path: '/sse', headers: { accept: 'text/event-stream' }, agent: false });
    const fail = (e) => {
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const rpc = (message) =>
      new Promise((res, rej) => {
        waiting.set(message.id, res);
        request(postUrl, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) })
          .then((r) => r.status >= 300 && rej(new Error(`POST /message: HTTP ${r.status}`)))
          .catch(rej);
      });
    req.on('response', (res) => {
      if (res.statusCode !== 200) return fail(new Error(`GET /sse: HTTP ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trimStart();
          }
          if (event === 'endpoint') {
            postUrl = new URL(data, base).toString();
            (async () => {
              await rpc(INIT);
              await request(postUrl, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(INITIALIZED) });
              const a = await rpc({ ...call, id: 1 });
              if (!a.result || a.result.isError) throw new Error(`call failed: ${JSON.stringify(a).slice(0, 200)}`);
              clearTimeout(timer);
              resolve({ close: () => req.destroy() });
            })().catch(fail);
          } else if (event === 'message' && data) {
            const m = JSON.parse(data);
            const w = waiting.get(m.id);
            if (w) {
              waiting.delete(m.id);
              w(m);
            }
          }
        }
      });
      res.on('error', () => {});
    });
    req.on('error', fail);
  });
}

async function scale(kind, url, n, pid, call) {
  const base = new URL(url).origin;
  const before = rssKiB(pid);
  const started = Date.now();
  const held = [];
  const jobs = Array.from({ length: n }, () => async () => {
    if (kind === 'sse') {
      held.push(await openSse(base, call));
    } else {
      const sid = await openSession(base + '/mcp');
      await callIn(base + '/mcp', sid, { ...call, id: 1 });
    }
  });
  const results = await pool(jobs, 128);
  const openedMs = Date.now() - started;
  await new Promise((r) => setTimeout(r, 1000)); // let the server settle (GC, freed buffers)
  const after = rssKiB(pid);
  const failures = results.filter((r) => !r.ok);
  const out = {
    kind,
    sessions: n,
    ok: results.length - failures.length,
    failures: failures.length,
    first_error: failures[0]?.error ?? null,
    rss_before_kib: before,
    rss_after_kib: after,
    per_session_kib: n ? (after - before) / n : 0,
    open_ms: openedMs,
  };
  for (const h of held) h.close();
  return out;
}

function simCookie(simUrl) {
  const u = checkLoopback(simUrl);
  const body = JSON.stringify({ operation: 'authenticateWithPassword', user_name: 'admin', password: 'admin' });
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: u.hostname, port: u.port, path: '/v2/auth', method: 'POST', rejectUnauthorized: false, timeout: 10000, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        const c = (res.headers['set-cookie'] || []).find((x) => x.startsWith('cmon-sid='));
        c ? resolve(c.split(';')[0]) : reject(new Error('cmon-sim gave no cookie'));
      },
    );
    req.on('timeout', () => req.destroy(new Error('login timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

// One start of a stdio server: milliseconds from spawn to the complete initialize answer.
function startOnce(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('no initialize answer in 30 s'));
    }, 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      child.kill('SIGKILL');
      const answer = JSON.parse(out.slice(0, nl));
      answer.result ? resolve(ms) : reject(new Error(`initialize failed: ${out.slice(0, 200)}`));
    });
    child.on('error', reject);
    child.stdin.on('error', () => {});
    child.stdin.write(JSON.stringify({ ...INIT, id: 1 }) + '\n');
  });
}

async function startup(runs, cmd, args) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await startOnce(cmd, args));
  const sorted = [...times].sort((a, b) => a - b);
  return { runs, median_ms: sorted[Math.floor((runs - 1) / 2)], min_ms: sorted[0], max_ms: sorted[runs - 1] };
}

const [cmd, ...args] = process.argv.slice(2);
const watchdog = setTimeout(() => {
  process.stderr.write(`client ${cmd}: gave up after 10 minutes\n`);
  process.exit(3);
}, 600000);
watchdog.unref();
try {
  if (cmd === 'sessions') {
    const k = Number(args[1]);
    const ids = await pool(Array.from({ length: k }, () => () => openSession(args[0])), 16);
    const bad = ids.find((r) => !r.ok);
    if (bad) throw new Error(bad.error);
    process.stdout.write(ids.map((r) => r.value).join('\n') + '\n');
  } else if (cmd === 'check') {
    await callIn(args[0], args[1], readFileSync(args[2], 'utf8'));
  } else if (cmd === 'scale') {
    const call = args[4] ? JSON.parse(args[4]) : { jsonrpc: '2.0', method: 'ping' };
    process.stdout.write(JSON.stringify(await scale(args[0], args[1], Number(args[2]), Number(args[3]), call)) + '\n');
  } else if (cmd === 'startup') {
    process.stdout.write(JSON.stringify(await startup(Number(args[0]), args[1], args.slice(2))) + '\n');
  } else if (cmd === 'cookie') {
    process.stdout.write((await simCookie(args[0])) + '\n');
  } else {
    throw new Error('usage: client.mjs sessions|check|scale|cookie|startup ...');
  }
  agent.destroy();
  process.exit(0);
} catch (e) {
  process.stderr.write(`client ${cmd}: ${e.message}\n`);
  process.exit(1);
}
