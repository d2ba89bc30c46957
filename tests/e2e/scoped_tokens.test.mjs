// Scoped bearer tokens (MCP_AUTH_TOKENS_FILE), end to end: the real cmon-mcp over HTTP against cmon-sim,
// with a tokens file of an on-call read token, a deploy write token for cluster 1 only and a DBA token,
// next to a plain MCP_AUTH_TOKEN. A read token lists no W/D tool and cannot call one (Streamable HTTP and
// legacy SSE); the cluster-1 write token starts and restarts nodes of cluster 1 (by id and by name) and is
// refused on cluster 2, with nothing sent to the simulator; a session belongs to the token that opened it
// (another token gets 403); every audit line names its token.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { startSim, startDaemon } from './daemon_helpers.mjs';

const readToken = 'scoped-oncall-read-5d1e8a77';
const writeToken = 'scoped-deploy-write-93b0c4e1';
const dbaToken = 'scoped-dba-destructive-7f26e1b8';
const plainToken = 'scoped-plain-full-40a9d2c3';
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

let sim;
let daemon;
let dir;
let auditPath;
before(async () => {
  sim = await startSim();
  dir = mkdtempSync(join(tmpdir(), 'cmon-mcp-tokens-'));
  const tokensFile = join(dir, 'tokens');
  writeFileSync(
    tokensFile,
    [
      '# NAME SCOPE CLUSTERS SHA256HEX',
      `oncall read * ${sha256(readToken)}`,
      `deploy write 1 ${sha256(writeToken)}   # cluster 1 only`,
      '',
      `dba destructive * ${sha256(dbaToken)}`,
    ].join('\n') + '\n',
    { mode: 0o600 },
  );
  const logs = process.env.BUILD_DIR ? join(process.env.BUILD_DIR, 'test-logs') : dir;
  mkdirSync(logs, { recursive: true });
  auditPath = join(logs, `scoped-tokens-audit-${process.pid}.jsonl`);
  daemon = await startDaemon(sim, ['-auth-tokens-file', tokensFile, '-audit-log', auditPath], { MCP_AUTH_TOKEN: plainToken });
});
after(async () => {
  await daemon?.stop();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function connect(bearer, transport = 'streamable') {
  const requestInit = { headers: { Authorization: `Bearer ${bearer}` } };
  const t =
    transport === 'sse'
      ? new SSEClientTransport(daemon.url('/sse'), { requestInit })
      : new StreamableHTTPClientTransport(daemon.url('/mcp'), { requestInit });
  const client = new Client({ name: 'e2e-scoped', version: '1.0.0' });
  await client.connect(t);
  return client;
}

async function host(clusterId, hostname) {
  const state = await sim.state();
  return state.clusters.find((c) => c.cluster_id === clusterId).hosts.find((h) => h.hostname === hostname);
}

async function jobCount(clusterId) {
  const state = await sim.state();
  return state.clusters.find((c) => c.cluster_id === clusterId).jobs.length;
}

const errorText = (r) => (r instanceof Error ? r.message : r.content?.[0]?.text ?? '');

test('a read token lists no W/D tool and cannot call stop_node (Streamable HTTP and legacy SSE)', async () => {
  for (const transport of ['streamable', 'sse']) {
    const client = await connect(readToken, transport);
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.length > 20, `${transport}: ${tools.length} tools`);
      for (const t of tools) assert.equal(t.annotations?.readOnlyHint, true, `${transport}: ${t.name} is listed`);
      assert.ok(tools.some((t) => t.name === 'list_clusters'));
      assert.ok(!tools.some((t) => t.name === 'stop_node' || t.name === 'restart_node'));
      const before = await jobCount(1);
      const r = await client.callTool({ name: 'stop_node', arguments: { cluster_id: 1, node: '10.0.1.13', confirm: true } }).catch((e) => e);
      assert.ok(r instanceof McpError, `${transport}: ${errorText(r)}`);
      assert.equal(r.code, -32602);
      assert.match(r.message, /Unknown tool: stop_node \(the scope of token 'oncall' does not allow it: it may use read tools only\)/);
      assert.equal(await jobCount(1), before, 'nothing reached the simulator');
      // Reads work on any cluster.
      const health = await client.callTool({ name: 'get_cluster_health', arguments: { cluster_id: 2 } });
      assert.notEqual(health.isError, true, errorText(health));
    } finally {
      await client.close();
    }
  }
});

test('a write token for cluster 1 starts and restarts nodes there and is refused on cluster 2', async () => {
  // The DBA token (destructive, every cluster) stops a node for the deploy token to start.
  const dba = await connect(dbaToken);
  const deploy = await connect(writeToken);
  try {
    const stop = await dba.callTool({ name: 'stop_node', arguments: { cluster_id: 1, node: '10.0.1.13', confirm: true, wait: true } });
    assert.equal(stop.structuredContent?.status, 'done', errorText(stop));
    assert.equal((await host(1, '10.0.1.13')).hoststatus, 'CmonHostShutDown');

    const names = (await deploy.listTools()).tools.map((t) => t.name);
    assert.ok(names.includes('start_node') && names.includes('restart_node'));
    assert.ok(!names.includes('stop_node'), 'no destructive tool for a write token');

    const start = await deploy.callTool({ name: 'start_node', arguments: { cluster_id: 1, node: '10.0.1.13', wait: true } });
    assert.equal(start.structuredContent?.status, 'done', errorText(start));
    assert.equal((await host(1, '10.0.1.13')).hoststatus, 'CmonHostOnline');
    // By name: prod-galera is cluster 1.
    const restart = await deploy.callTool({ name: 'restart_node', arguments: { cluster_name: 'prod-galera', node: '10.0.1.12', wait: true } });
    assert.equal(restart.structuredContent?.status, 'done', errorText(restart));

    const before = await jobCount(2);
    const other = await deploy.callTool({ name: 'restart_node', arguments: { cluster_id: 2, node: '10.0.2.12' } });
    assert.equal(other.isError, true);
    assert.equal(errorText(other), "cluster_id 2 is not allowed: token 'deploy' may only act on cluster 1");
    const byName = await deploy.callTool({ name: 'start_node', arguments: { cluster_name: 'mariadb-repl', node: '10.0.2.12' } });
    assert.equal(byName.isError, true);
    assert.match(errorText(byName), /cluster_name "mariadb-repl" is not allowed: token 'deploy' may only act on cluster 1/);
    const health = await deploy.callTool({ name: 'get_cluster_health', arguments: { cluster_id: 2 } });
    assert.equal(health.isError, true, 'reads are bound to the clusters too');
    assert.equal(await jobCount(2), before, 'nothing reached cluster 2');

    const noCluster = await deploy.callTool({ name: 'get_cluster_health', arguments: {} });
    assert.equal(noCluster.isError, true);
    assert.match(errorText(noCluster), /get_cluster_health needs a cluster: token 'deploy' may only act on cluster 1; give cluster_id or cluster_name/);
    // Controller-level tools have no cluster selector and stay callable.
    const list = await deploy.callTool({ name: 'list_clusters', arguments: {} });
    assert.notEqual(list.isError, true, errorText(list));

    const stopByDeploy = await deploy.callTool({ name: 'stop_node', arguments: { cluster_id: 1, node: '10.0.1.13', confirm: true } }).catch((e) => e);
    assert.match(errorText(stopByDeploy), /scope of token 'deploy' does not allow it: it may use read and write tools only/);
  } finally {
    await dba.close();
    await deploy.close();
  }
});

test('a session opened with one token is refused (403) with another', async () => {
  const post = (bearer, body, sid) =>
    fetch(daemon.url('/mcp'), {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${bearer}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': '2025-06-18',
        ...(sid ? { 'Mcp-Session-Id': sid } : {}),
      },
      body: JSON.stringify(body),
    });
  const init = await post(readToken, {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  assert.equal(init.status, 200);
  const sid = init.headers.get('mcp-session-id');
  assert.ok(sid);
  await init.text();
  assert.equal((await post(readToken, { jsonrpc: '2.0', method: 'notifications/initialized' }, sid)).status, 202);

  for (const other of [dbaToken, plainToken]) {
    const r = await post(other, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'stop_node', arguments: { cluster_id: 1, node: '10.0.1.13' } } }, sid);
    assert.equal(r.status, 403);
    const body = await r.json();
    assert.equal(body.jsonrpc, '2.0');
    assert.equal(body.id, 2);
    assert.equal(body.error.code, -32000);
    assert.match(body.error.message, /opened with another token/);
  }
  const del = await fetch(daemon.url('/mcp'), { method: 'DELETE', headers: { Authorization: `Bearer ${dbaToken}`, 'Mcp-Session-Id': sid } });
  assert.equal(del.status, 403);
  const own = await post(readToken, { jsonrpc: '2.0', id: 3, method: 'ping' }, sid);
  assert.equal(own.status, 200);
  assert.deepEqual((await own.json()).result, {});
});

test('audit lines name the token; refused calls are audited as forbidden; metrics count the refusals', async () => {
  const lines = readFileSync(auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const seen = lines.map((l) => [l.token, l.tool, l.outcome, l.cluster_id ?? l.arguments.cluster_id ?? l.arguments.cluster_name]);
  assert.deepEqual(seen, [
    ['oncall', 'stop_node', 'forbidden', 1],
    ['oncall', 'stop_node', 'forbidden', 1],
    ['dba', 'stop_node', 'done', 1],
    ['deploy', 'start_node', 'done', 1],
    ['deploy', 'restart_node', 'done', 1],
    ['deploy', 'restart_node', 'forbidden', 2],
    ['deploy', 'start_node', 'forbidden', 'mariadb-repl'],
    ['deploy', 'stop_node', 'forbidden', 1],
  ]);
  for (const l of lines) assert.equal(l.client, 'e2e-scoped 1.0.0');
  const text = readFileSync(auditPath, 'utf8');
  for (const t of [readToken, writeToken, dbaToken, plainToken, sha256(writeToken)]) assert.ok(!text.includes(t), 'no token or digest in the audit file');

  const metrics = await (await fetch(daemon.url('/metrics'), { headers: { Authorization: `Bearer ${plainToken}` } })).text();
  const value = (name) => Number(metrics.split('\n').find((l) => l.startsWith(name + ' '))?.slice(name.length + 1));
  assert.equal(value('mcp_tool_calls_rejected_total{reason="scope"}'), 3);
  assert.equal(value('mcp_tool_calls_rejected_total{reason="cluster"}'), 4);
  const log = readFileSync(daemon.log, 'utf8');
  assert.match(log, /bearer token 'deploy': read and write tools, clusters 1/);
});
