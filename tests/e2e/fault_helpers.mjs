// Shared by the fault-injection and abuse tests: secrets used only by these tests (the log scan,
// scan_logs.mjs, looks for them), SDK clients over both HTTP transports, a load driver that records
// the outcome of every call, and the daemon's resource figures read from /proc.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';

// Distinctive values so that finding one in a log is never a coincidence.
export const SECRETS = {
  user: 'faultops',
  password: 'Sim-Pass-4f2a9c71e8',
  wrongPassword: 'Wrong-Pass-b83d10a6f5',
  token: 'fault-token-6e1b9a3c5d7f2041',
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Every connected client, so that a test can close what a failure left open (closeAll).
const connected = new Set();

export async function closeAll() {
  for (const c of [...connected]) await disconnect(c).catch(() => {});
}

export async function connect(daemon, kind, token = SECRETS.token) {
  const requestInit = { headers: { Authorization: `Bearer ${token}` } };
  const transport =
    kind === 'sse'
      ? new SSEClientTransport(daemon.url('/sse'), { requestInit })
      : new StreamableHTTPClientTransport(daemon.url('/mcp'), { requestInit });
  const client = new Client({ name: `fault-${kind}`, version: '1.0.0' });
  await client.connect(transport);
  const c = { client, transport, kind };
  connected.add(c);
  return c;
}

export async function disconnect(c) {
  connected.delete(c);
  if (c.kind === 'streamable') await c.transport.terminateSession().catch(() => {});
  await c.client.close();
}

// `n` clients, alternately Streamable HTTP and legacy SSE.
export async function connectMany(daemon, n) {
  return Promise.all(Array.from({ length: n }, (_, i) => connect(daemon, i % 2 ? 'sse' : 'streamable')));
}

export const textOf = (r) => (r.content ?? []).map((c) => c.text ?? '').join('\n');

// Calls `name` `count` times in a row on one client; every outcome is recorded: {ok}, {error: text}
// (a tool result with isError) or {thrown: message} (a JSON-RPC error or no answer in time).
// The default call is a cheap one (one getClusterInfo on CMON).
export async function callSeries(c, count, name = 'get_cluster', args = { cluster_id: 1 }, timeout = 60000) {
  const out = [];
  for (let i = 0; i < count; i++) {
    try {
      const r = await c.client.callTool({ name, arguments: args }, undefined, { timeout });
      out.push(r.isError ? { error: textOf(r) } : { ok: true });
    } catch (e) {
      out.push({ thrown: String(e?.message ?? e) });
    }
  }
  return out;
}

// Every client runs `count` calls concurrently with the others; returns all outcomes.
export async function load(clients, count, name, args, timeout) {
  const all = await Promise.all(clients.map((c) => callSeries(c, count, name, args, timeout)));
  return all.flat();
}

// Every call got an answer: a result or a tool error with text, never a protocol error or a timeout.
export function assertAllAnswered(outcomes, expected) {
  assert.equal(outcomes.length, expected);
  const thrown = outcomes.filter((o) => o.thrown);
  assert.deepEqual(thrown, [], 'no call may fail at the protocol level or go unanswered');
  for (const o of outcomes) if (o.error !== undefined) assert.ok(o.error.length > 20, `an actionable error: ${o.error}`);
}

export function procStats(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)[1]), fds: readdirSync(`/proc/${pid}/fd`).length };
}

// Sanitizer builds keep freed memory in quarantine: allow for it.
const rssSlackKb = (process.env.ASAN_OPTIONS ? 256 : 96) * 1024;

// Waits (bounded) until the daemon's descriptors are back near `base` and checks its RSS; then checks
// that every MCP session was released: `maxSessions` new sessions must all be accepted at once.
export async function assertBackToBaseline(daemon, base, maxSessions) {
  let now = procStats(daemon.child.pid);
  for (let i = 0; i < 50 && now.fds > base.fds + 4; i++) {
    await sleep(100);
    now = procStats(daemon.child.pid);
  }
  assert.ok(now.fds <= base.fds + 4, `open descriptors back to baseline: ${now.fds} now, ${base.fds} before`);
  assert.ok(now.rssKb <= base.rssKb + rssSlackKb, `RSS ${now.rssKb} kB, baseline ${base.rssKb} kB`);
  if (maxSessions) {
    const probes = await Promise.all(
      Array.from({ length: maxSessions }, async () => {
        const r = await fetch(daemon.url('/mcp'), {
          method: 'POST',
          headers: {
            authorization: `Bearer ${SECRETS.token}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } },
          }),
        });
        await r.text();
        return { status: r.status, sid: r.headers.get('mcp-session-id') };
      }),
    );
    // The probes' own sessions are ended whatever the outcome, so that a failure does not cascade.
    await Promise.all(
      probes
        .filter((p) => p.sid)
        .map((p) =>
          fetch(daemon.url('/mcp'), {
            method: 'DELETE',
            headers: { authorization: `Bearer ${SECRETS.token}`, 'mcp-session-id': p.sid },
          }).then((r) => r.text()),
        ),
    );
    assert.deepEqual(probes.map((p) => p.status), Array(maxSessions).fill(200), 'every earlier session was released');
  }
  return now;
}
