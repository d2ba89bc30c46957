// The real cmon-mcp binary against the CMON simulator, driven by the official SDK client over stdio
// (as Claude Code starts it, Go-style flags), Streamable HTTP and legacy SSE (with the bearer token).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { startSim, startDaemon } from './daemon_helpers.mjs';

let sim;
before(async () => {
  sim = await startSim();
});
after(async () => {
  await sim?.stop();
});

async function stdioClient(extraArgs = []) {
  const transport = new StdioClientTransport({
    command: process.env.CMON_MCP,
    args: ['-endpoint', sim.endpoint, '-username', 'admin', '-password', 'admin', ...extraArgs],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'e2e-daemon', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

test('stdio: Go-style flags, real tools against the simulator', async () => {
  const client = await stdioClient();
  try {
    assert.equal(client.getServerVersion().name, 'cmon-mcp');
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const n of ['list_clusters', 'get_cluster', 'get_cluster_health', 'list_backups']) assert.ok(names.includes(n), n);
    for (const t of tools) assert.ok(t.inputSchema.properties, `${t.name} has inputSchema.properties`);
    const r = await client.callTool({ name: 'list_clusters', arguments: {} });
    assert.notEqual(r.isError, true);
    assert.match(r.content[0].text, /prod-galera/);
    assert.ok(r.structuredContent, 'structured content for 2025-06-18+ clients');
    const bad = await client.callTool({ name: 'get_cluster', arguments: { cluster_name: 'no-such-cluster' } });
    assert.equal(bad.isError, true);
    assert.match(bad.content[0].text, /prod-galera/, 'the error lists the known clusters');
    await client.ping();
  } finally {
    await client.close();
  }
});

test('stdio: read-only mode hides every tool that changes state', async () => {
  const client = await stdioClient(['-read-only']);
  try {
    const { tools } = await client.listTools();
    assert.ok(tools.length > 0);
    for (const t of tools) assert.equal(t.annotations?.readOnlyHint, true, t.name);
  } finally {
    await client.close();
  }
});

test('HTTP: Streamable HTTP and legacy SSE with the bearer token; no token gets 401', async () => {
  const token = 'e2e-token-0123456789';
  const daemon = await startDaemon(sim, [], { MCP_AUTH_TOKEN: token });
  try {
    const noAuth = await fetch(daemon.url('/mcp'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    assert.equal(noAuth.status, 401);
    assert.match(noAuth.headers.get('www-authenticate') ?? '', /Bearer realm="cmon-mcp"/);
    assert.equal((await fetch(daemon.url('/healthz'))).status, 200);

    const requestInit = { headers: { Authorization: `Bearer ${token}` } };
    for (const [kind, transport] of [
      ['streamable', new StreamableHTTPClientTransport(daemon.url('/mcp'), { requestInit })],
      ['sse', new SSEClientTransport(daemon.url('/sse'), { requestInit })],
    ]) {
      const client = new Client({ name: `e2e-${kind}`, version: '1.0.0' });
      await client.connect(transport);
      try {
        const r = await client.callTool({ name: 'list_clusters', arguments: {} });
        assert.match(r.content[0].text, /prod-galera/, kind);
      } finally {
        await client.close();
      }
    }
    const ready = await fetch(daemon.url('/readyz'));
    assert.equal(ready.status, 200, 'ready once logged in to CMON');
  } finally {
    await daemon.stop();
  }
});

test('CMON down: tools answer with an actionable error and recover', async () => {
  const client = await stdioClient();
  try {
    await sim.fault({ mode: 'down' });
    const r = await client.callTool({ name: 'list_clusters', arguments: {} });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /unreachable|refused/i);
    await sim.fault({ mode: 'none' });
    const ok = await client.callTool({ name: 'list_clusters', arguments: {} });
    assert.notEqual(ok.isError, true);
  } finally {
    await sim.fault({ mode: 'none' });
    await client.close();
  }
});

test('resources, resource templates, prompts and completion of cluster names', async () => {
  const client = await stdioClient();
  try {
    const caps = client.getServerCapabilities();
    assert.ok(caps.resources && caps.prompts && caps.completions);
    const { resources } = await client.listResources();
    assert.deepEqual(resources.map((r) => r.uri), ['cmon://clusters']);
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((t) => t.uriTemplate), ['cmon://clusters/{id}', 'cmon://jobs/{id}/log']);

    const all = await client.readResource({ uri: 'cmon://clusters' });
    const clusters = JSON.parse(all.contents[0].text).clusters;
    const galera = clusters.find((c) => c.cluster_name === 'prod-galera');
    assert.ok(galera, 'cmon://clusters lists prod-galera');
    const one = await client.readResource({ uri: `cmon://clusters/${galera.cluster_id}` });
    assert.equal(JSON.parse(one.contents[0].text).cluster_name, 'prod-galera');
    await assert.rejects(client.readResource({ uri: 'cmon://clusters/9999' }), (e) => e.code === -32002);
    await assert.rejects(client.readResource({ uri: 'file:///etc/passwd' }), (e) => e.code === -32002);

    const jobs = await client.callTool({ name: 'list_jobs', arguments: {} });
    const jobId = jobs.structuredContent?.jobs?.[0]?.job_id;
    assert.ok(Number.isInteger(jobId), 'the simulator has jobs');
    const log = await client.readResource({ uri: `cmon://jobs/${jobId}/log` });
    assert.equal(JSON.parse(log.contents[0].text).job_id, jobId);
    assert.ok(Array.isArray(JSON.parse(log.contents[0].text).messages));

    const { prompts } = await client.listPrompts();
    assert.deepEqual(prompts.map((p) => p.name), ['diagnose_cluster', 'backup_health_review', 'slow_database', 'capacity_review']);
    const p = await client.getPrompt({ name: 'diagnose_cluster', arguments: { cluster: 'prod-galera' } });
    assert.match(p.messages[0].content.text, /prod-galera/);
    assert.match(p.messages[0].content.text, /get_cluster_health/);
    await assert.rejects(client.getPrompt({ name: 'diagnose_cluster', arguments: {} }), (e) => e.code === -32602);

    const names = await client.complete({ ref: { type: 'ref/prompt', name: 'slow_database' }, argument: { name: 'cluster', value: 'prod' } });
    assert.ok(names.completion.values.includes('prod-galera'), JSON.stringify(names));
    for (const v of names.completion.values) assert.match(v, /^prod/i);
    const ids = await client.complete({ ref: { type: 'ref/resource', uri: 'cmon://clusters/{id}' }, argument: { name: 'id', value: '' } });
    assert.ok(ids.completion.values.includes(String(galera.cluster_id)));
  } finally {
    await client.close();
  }
});
