// The safety model of state-changing tools, end to end: the real cmon-mcp against cmon-sim, driven by the
// official SDK client. Confirmation through elicitation (accepted, declined, cancelled), the confirm
// fallback for clients that cannot elicit, read-only mode and allow/deny lists, cancellation of a call
// that waits for its job (with and without abort_on_cancel). Every step is checked in the simulator's
// model, not only in the answer.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { startSim } from './daemon_helpers.mjs';

let sim;
before(async () => {
  sim = await startSim();
});
after(async () => {
  await sim?.stop();
});

async function connect({ elicitation = false, args = [], env = {} } = {}) {
  const transport = new StdioClientTransport({
    command: process.env.CMON_MCP,
    args: ['-endpoint', sim.endpoint, '-username', 'admin', '-password', 'admin', ...args],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'e2e-write-safety', version: '1.0.0' }, { capabilities: elicitation ? { elicitation: {} } : {} });
  await client.connect(transport);
  return client;
}

async function host(clusterId, hostname) {
  const state = await sim.state();
  const cluster = state.clusters.find((c) => c.cluster_id === clusterId);
  return cluster.hosts.find((h) => h.hostname === hostname);
}

async function jobCount(clusterId) {
  const state = await sim.state();
  return state.clusters.find((c) => c.cluster_id === clusterId).jobs.length;
}

async function firstNode(clusterId, skip = 0) {
  const state = await sim.state();
  const cluster = state.clusters.find((c) => c.cluster_id === clusterId);
  return cluster.hosts.filter((h) => h.nodetype !== 'controller')[skip];
}

test('elicitation: accepted runs the destructive tool, declined and cancelled change nothing', async () => {
  const node = await firstNode(1, 0);
  let answer = 'decline';
  const messages = [];
  const client = await connect({ elicitation: true });
  try {
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      messages.push(req.params.message);
      if (answer === 'accept') return { action: 'accept', content: { confirm: true } };
      return { action: answer };
    });
    const args = { cluster_id: 1, node: `${node.hostname}:${node.port}`, confirm: true };

    for (const a of ['decline', 'cancel']) {
      answer = a;
      const before = await jobCount(1);
      const r = await client.callTool({ name: 'stop_node', arguments: args });
      assert.notEqual(r.isError, true);
      assert.equal(r.structuredContent.status, a === 'decline' ? 'declined' : 'cancelled');
      assert.match(r.content[0].text, /Nothing was changed/);
      assert.equal(await jobCount(1), before, `${a}: no job was created`);
      assert.equal((await host(1, node.hostname)).hoststatus, 'CmonHostOnline');
    }
    assert.equal(messages.length, 2);
    assert.match(messages[0], new RegExp(`This stops the database on node ${node.hostname}:${node.port} of cluster prod-galera`));
    assert.match(messages[0], /runs with \d+ of \d+ database node\(s\) online/);

    answer = 'accept';
    const r = await client.callTool({ name: 'stop_node', arguments: { ...args, wait: true, timeout_s: 30 } });
    assert.notEqual(r.isError, true, r.content[0].text);
    assert.equal(r.structuredContent.status, 'done', r.content[0].text);
    assert.equal(r.structuredContent.job_status, 'FINISHED');
    assert.equal((await host(1, node.hostname)).hoststatus, 'CmonHostShutDown');

    // Bring it back for the other tests (a write tool: no confirmation).
    const start = await client.callTool({ name: 'start_node', arguments: { cluster_id: 1, node: node.hostname, wait: true } });
    assert.equal(start.structuredContent.status, 'done', start.content[0].text);
    assert.equal((await host(1, node.hostname)).hoststatus, 'CmonHostOnline');
  } finally {
    await client.close();
  }
});

test('no elicitation: the tool describes the effect and needs confirm: true', async () => {
  const node = await firstNode(2, 1);
  const client = await connect();
  try {
    const args = { cluster_name: 'mariadb-repl', node: node.hostname };
    const before = await jobCount(2);
    const r = await client.callTool({ name: 'stop_node', arguments: args });
    assert.notEqual(r.isError, true);
    assert.equal(r.structuredContent.status, 'confirmation_required');
    assert.match(r.content[0].text, /"confirm": true/);
    assert.match(r.structuredContent.effect, /This stops the database on node/);
    assert.equal(await jobCount(2), before);

    const dry = await client.callTool({ name: 'stop_node', arguments: { ...args, dry_run: true } });
    assert.equal(dry.structuredContent.status, 'dry_run');
    assert.equal(dry.structuredContent.requests[0].body.job.job_spec.command, 'stop');
    assert.equal(await jobCount(2), before, 'a dry run creates no job');

    const ok = await client.callTool({ name: 'stop_node', arguments: { ...args, confirm: true, wait: true } });
    assert.equal(ok.structuredContent.status, 'done', ok.content[0].text);
    assert.equal((await host(2, node.hostname)).hoststatus, 'CmonHostShutDown');
    const start = await client.callTool({ name: 'start_node', arguments: { ...args, wait: true } });
    assert.equal(start.structuredContent.status, 'done', start.content[0].text);
  } finally {
    await client.close();
  }
});

test('MCP_CONFIRM_DESTRUCTIVE=false runs destructive tools without asking', async () => {
  const node = await firstNode(2, 1);
  const client = await connect({ env: { MCP_CONFIRM_DESTRUCTIVE: 'false' } });
  try {
    const r = await client.callTool({ name: 'stop_node', arguments: { cluster_id: 2, node: node.hostname, wait: true } });
    assert.equal(r.structuredContent.status, 'done', r.content[0].text);
    assert.equal((await host(2, node.hostname)).hoststatus, 'CmonHostShutDown');
    await client.callTool({ name: 'start_node', arguments: { cluster_id: 2, node: node.hostname, wait: true } });
  } finally {
    await client.close();
  }
});

test('read-only mode hides and refuses write tools; allow and deny lists decide what is callable', async () => {
  const ro = await connect({ args: ['-read-only'] });
  try {
    const { tools } = await ro.listTools();
    assert.ok(!tools.some((t) => t.name === 'stop_node' || t.name === 'restart_node'));
    const r = await ro.callTool({ name: 'restart_node', arguments: { cluster_id: 1, node: 'x' } }).catch((e) => e);
    const text = r instanceof Error ? r.message : r.content[0].text;
    assert.match(text, /read-only/);
  } finally {
    await ro.close();
  }

  const denied = await connect({ args: ['-tools-deny', 'stop_node,backups'] });
  try {
    const names = (await denied.listTools()).tools.map((t) => t.name);
    assert.ok(!names.includes('stop_node'));
    assert.ok(!names.some((n) => n.includes('backup')), 'the backups group is gone');
    assert.ok(names.includes('restart_node'));
    const r = await denied.callTool({ name: 'stop_node', arguments: { cluster_id: 1, node: 'x' } }).catch((e) => e);
    assert.match(r instanceof Error ? r.message : r.content[0].text, /Unknown tool/);
  } finally {
    await denied.close();
  }

  const allowed = await connect({ args: ['-tools-allow', 'nodes,list_clusters'] });
  try {
    const { tools } = await allowed.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.ok(names.includes('list_clusters') && names.includes('restart_node'));
    for (const t of tools) assert.ok(t.name === 'list_clusters' || t.name.includes('node') || t.name.includes('replica') || t.name === 'reboot_host' || t.name === 'get_replication_status', t.name);
  } finally {
    await allowed.close();
  }
});

test('cancelling a call that waits for its job: the job goes on, or is aborted with abort_on_cancel', async () => {
  const client = await connect();
  await sim.config({ job_speed: 0.1 }); // jobs take 30 s
  try {
    // Two clusters: the job left running on the first would (rightly) block a second restart there.
    for (const [abort, clusterId] of [[false, 1], [true, 3]]) {
      const node = await firstNode(clusterId, 1);
      const controller = new AbortController();
      const progress = [];
      const call = client.callTool(
        { name: 'restart_node', arguments: { cluster_id: clusterId, node: node.hostname, wait: true, abort_on_cancel: abort } },
        CallToolResultSchema,
        { signal: controller.signal, onprogress: (p) => progress.push(p), timeout: 60000 },
      );
      // Wait until the job is running (a progress notification arrived), then cancel.
      const started = Date.now();
      while (progress.length === 0 && Date.now() - started < 10000) await new Promise((r) => setTimeout(r, 50));
      assert.ok(progress.length > 0, 'progress arrived while waiting');
      controller.abort('user pressed stop');
      await assert.rejects(call);
      const jobId = Number(/job (\d+)/.exec(progress[0].message)[1]);
      // Give the abort time to reach the simulator.
      let status;
      for (let i = 0; i < 40; i++) {
        status = (await sim.job(jobId)).status;
        if (!abort || status === 'ABORTED') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (abort) assert.equal(status, 'ABORTED');
      else assert.match(status, /RUNNING|DEFINED/);
      await client.ping();
    }
  } finally {
    await sim.config({ job_speed: 20 });
    await client.close();
  }
});
