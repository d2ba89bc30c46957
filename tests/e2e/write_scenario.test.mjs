// A DBA's session, end to end over Streamable HTTP with the bearer token: the official SDK client drives
// the real cmon-mcp against cmon-sim. list clusters -> back up and wait with progress -> the backup is
// listed -> schedule nightly backups -> put a node in maintenance -> restart it -> end the maintenance.
// Every step is checked in the simulator's model, not only in the answers.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { startSim, startDaemon } from './daemon_helpers.mjs';

const token = 'e2e-scenario-token-8f3a9c1d2b';
let sim;
let daemon;
before(async () => {
  sim = await startSim();
  daemon = await startDaemon(sim, [], { MCP_AUTH_TOKEN: token });
});
after(async () => {
  await daemon?.stop();
  await sim?.stop();
});

async function call(client, name, args, options = {}) {
  const r = await client.callTool({ name, arguments: args }, CallToolResultSchema, options);
  assert.notEqual(r.isError, true, `${name}: ${r.content?.[0]?.text}`);
  return r;
}

test('backup with progress, schedule, maintenance and a restart, checked in the simulator', async () => {
  const transport = new StreamableHTTPClientTransport(daemon.url('/mcp'), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'e2e-dba-scenario', version: '1.0.0' });
  await client.connect(transport);
  try {
    // 1. Which clusters are there?
    const clusters = await call(client, 'list_clusters', {});
    const galera = clusters.structuredContent.clusters.find((c) => c.cluster_name === 'prod-galera');
    assert.ok(galera, 'prod-galera is listed');
    const id = galera.cluster_id;

    // 2. A backup, followed to the end with progress notifications.
    const progress = [];
    const backup = await call(
      client,
      'create_backup',
      { cluster_name: 'prod-galera', title: 'e2e-before-restart', wait: true, timeout_s: 60 },
      { onprogress: (p) => progress.push(p), timeout: 90000 },
    );
    assert.equal(backup.structuredContent.status, 'done', backup.content[0].text);
    const jobId = backup.structuredContent.job_id;
    assert.ok(jobId > 0);
    assert.ok(progress.length >= 1, 'progress notifications arrived');
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].progress > progress[i - 1].progress);
    assert.match(progress.at(-1).message, new RegExp(`job ${jobId}`));
    let state = await sim.state();
    const record = state.backups.find((b) => b.job_id === jobId);
    assert.ok(record, 'the simulator holds a backup record made by that job');
    assert.equal(record.status, 'Completed');
    assert.equal(record.cid, id);

    // 3. The backup is listed.
    const listed = await call(client, 'list_backups', { cluster_id: id, limit: 50 });
    assert.ok(listed.structuredContent.backups.some((b) => b.backup_id === record.id && b.job_id === jobId));

    // 4. Nightly backups at 02:30 UTC.
    const schedule = await call(client, 'create_backup_schedule', { cluster_id: id, schedule: '30 2 * * *', title: 'nightly' });
    assert.notEqual(schedule.structuredContent.status, 'dry_run');
    state = await sim.state();
    const schedules = state.clusters.find((c) => c.cluster_id === id).schedules;
    const nightly = schedules.find((s) => s.recurrence.includes('30 2 * * *'));
    assert.ok(nightly, `a recurring backup job exists: ${JSON.stringify(schedules)}`);
    assert.equal(nightly.status, 'SCHEDULED');

    // 5. A node in maintenance for an hour.
    const node = state.clusters.find((c) => c.cluster_id === id).hosts.find((h) => h.nodetype !== 'controller');
    const before = state.maintenance.length;
    await call(client, 'schedule_maintenance', { cluster_id: id, node: node.hostname, duration: '1h', reason: 'e2e: restart' });
    state = await sim.state();
    assert.equal(state.maintenance.length, before + 1);
    const window = state.maintenance.find((m) => m.hostname === node.hostname && m.reason === 'e2e: restart');
    assert.ok(window, 'the window is on that node');

    // 6. Restart it and wait.
    const restart = await call(client, 'restart_node', { cluster_id: id, node: node.hostname, wait: true, timeout_s: 60 });
    assert.equal(restart.structuredContent.status, 'done', restart.content[0].text);
    const job = await sim.job(restart.structuredContent.job_id);
    assert.equal(job.status, 'FINISHED');
    assert.equal(job.job_spec.command, 'restart');
    state = await sim.state();
    const after = state.clusters.find((c) => c.cluster_id === id).hosts.find((h) => h.hostname === node.hostname);
    assert.equal(after.hoststatus, 'CmonHostOnline');

    // 7. End the maintenance.
    await call(client, 'end_maintenance', { cluster_id: id, node: node.hostname });
    state = await sim.state();
    assert.ok(!state.maintenance.some((m) => m.UUID === window.UUID), 'the window is gone');
  } finally {
    await client.close();
  }
});
