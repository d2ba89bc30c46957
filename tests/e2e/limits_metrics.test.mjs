// Operating limits and metrics of the real daemon over HTTP, against cmon-sim: GET /metrics in the
// Prometheus text format behind the bearer token; the per-token rate limit (429 + Retry-After, one
// bucket per token, health probes exempt); the global bound on concurrent tool calls (a call beyond
// running + queued slots is told the server is busy; a queued one waits and succeeds).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startSim, startDaemon } from './daemon_helpers.mjs';

const token = 'limits-token-4b9e21c07d';
const otherToken = 'limits-token-second-8a3f55';
let sim;
before(async () => {
  sim = await startSim();
});
after(async () => {
  await sim?.stop();
});

async function connect(daemon, bearer = token) {
  const transport = new StreamableHTTPClientTransport(daemon.url('/mcp'), {
    requestInit: { headers: { Authorization: `Bearer ${bearer}` } },
  });
  const client = new Client({ name: 'e2e-limits', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

// The value of one series in a Prometheus text page, undefined when absent.
function series(text, name) {
  for (const line of text.split('\n')) {
    if (line.startsWith(name + ' ')) return Number(line.slice(name.length + 1));
  }
  return undefined;
}

const initialize = (bearer) =>
  ({
    method: 'POST',
    headers: {
      Authorization: `Bearer ${bearer}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    }),
  });

test('GET /metrics: Prometheus text behind the token, with requests, tool calls, CMON calls and sessions', async () => {
  const daemon = await startDaemon(sim, [], { MCP_AUTH_TOKEN: token });
  try {
    assert.equal((await fetch(daemon.url('/metrics'))).status, 401);
    const client = await connect(daemon);
    await client.listTools();
    const r = await client.callTool({ name: 'list_clusters', arguments: {} });
    assert.notEqual(r.isError, true);
    await client.callTool({ name: 'get_cluster', arguments: { cluster_id: 4242 } });
    const res = await fetch(daemon.url('/metrics'), { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /# TYPE mcp_requests_total counter/);
    assert.match(text, /# TYPE mcp_request_duration_seconds histogram/);
    assert.equal(series(text, 'mcp_requests_total{method="tools/list",transport="streamable_http",outcome="ok"}'), 1);
    assert.equal(series(text, 'mcp_requests_total{method="tools/call",transport="streamable_http",outcome="ok"}'), 2);
    assert.equal(series(text, 'mcp_tool_calls_total{tool="list_clusters",outcome="ok"}'), 1);
    assert.equal(series(text, 'mcp_tool_calls_total{tool="get_cluster",outcome="error"}'), 1);
    assert.equal(series(text, 'mcp_tool_call_duration_seconds_count{tool="list_clusters"}'), 1);
    assert.equal(series(text, 'mcp_request_duration_seconds_bucket{method="tools/call",le="+Inf"}'), 2);
    assert.ok(series(text, 'cmon_call_duration_seconds_count{operation="getAllClusterInfo"}') >= 1);
    assert.equal(series(text, 'cmon_client_events_total{event="login"}'), 1);
    assert.ok(series(text, 'cmon_client_events_total{event="tls_handshake"}') >= 1);
    assert.equal(series(text, 'cmon_up'), 1);
    assert.equal(series(text, 'mcp_sessions_active{transport="http"}'), 1);
    assert.equal(series(text, 'mcp_tool_calls_in_progress{state="running"}'), 0);
    assert.ok(!text.includes(token), 'the token is not in the metrics');
    await client.close();
  } finally {
    await daemon.stop();
  }
});

test('rate limit: a burst beyond the limit gets 429 with Retry-After; each token has its own bucket', async () => {
  const daemon = await startDaemon(sim, ['-rate-limit', '60', '-rate-burst', '5'], { MCP_AUTH_TOKEN: `${token},${otherToken}` });
  try {
    const statuses = [];
    let retryAfter = null;
    for (let i = 0; i < 8; i++) {
      const res = await fetch(daemon.url('/mcp'), initialize(token));
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        const body = await res.json();
        assert.match(body.error.message, /60 requests per minute/);
      } else {
        await res.text();
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    assert.ok(Number(retryAfter) >= 1, `Retry-After ${retryAfter}`);
    // Another token is another caller; health probes are never limited.
    assert.equal((await fetch(daemon.url('/mcp'), initialize(otherToken))).status, 200);
    assert.equal((await fetch(daemon.url('/healthz'))).status, 200);
    const metrics = await (await fetch(daemon.url('/metrics'), { headers: { Authorization: `Bearer ${otherToken}` } })).text();
    assert.equal(series(metrics, 'mcp_http_rate_limited_total'), 3);
  } finally {
    await daemon.stop();
  }
});

test('concurrent tool calls: beyond running + queued slots the call is told the server is busy; queued calls wait', async () => {
  await sim.fault({ mode: 'delay', delay_ms: 1500, operation: 'getAllClusterInfo' });
  try {
    for (const [queued, expectBusy] of [['0', true], ['1', false]]) {
      const daemon = await startDaemon(sim, ['-max-concurrent-calls', '1', '-max-queued-calls', queued], { MCP_AUTH_TOKEN: token });
      const a = await connect(daemon);
      const b = await connect(daemon);
      try {
        const first = a.callTool({ name: 'list_clusters', arguments: {} });
        await new Promise((r) => setTimeout(r, 300));
        const second = await b.callTool({ name: 'list_clusters', arguments: {} });
        const one = await first;
        assert.notEqual(one.isError, true, one.content?.[0]?.text);
        if (expectBusy) {
          assert.equal(second.isError, true);
          assert.match(second.content[0].text, /busy/);
        } else {
          assert.notEqual(second.isError, true, second.content?.[0]?.text);
        }
      } finally {
        await a.close();
        await b.close();
        await daemon.stop();
      }
    }
  } finally {
    await sim.fault({ mode: 'none' });
  }
});
