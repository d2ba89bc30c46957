// Every read-only tool of the real cmon-mcp, called once through the official SDK client against the
// simulator with realistic arguments (ids and nodes taken from earlier answers, as a model would).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startSim } from './daemon_helpers.mjs';

let sim;
let client;
before(async () => {
  sim = await startSim();
  const transport = new StdioClientTransport({
    command: process.env.CMON_MCP,
    args: ['-endpoint', sim.endpoint, '-username', 'admin', '-password', 'admin', '-read-only'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stderr: 'ignore',
  });
  client = new Client({ name: 'e2e-read-tools', version: '1.0.0' });
  await client.connect(transport);
});
after(async () => {
  await client?.close();
  await sim?.stop();
});

async function call(name, args) {
  const r = await client.callTool({ name, arguments: args });
  const text = r.content.map((c) => c.text ?? '').join('\n');
  assert.notEqual(r.isError, true, `${name}(${JSON.stringify(args)}) failed: ${text}`);
  assert.ok(text.length > 0, `${name} answered with text`);
  return { text, data: r.structuredContent };
}

test('each read tool answers, and mentions what it was asked about', async () => {
  const { tools } = await client.listTools();
  assert.ok(tools.length >= 45, `read-only mode offers ${tools.length} tools`);

  const cluster = 'prod-galera';
  const nodes = (await call('list_nodes', { cluster_name: cluster })).data.nodes;
  const node = nodes.find((n) => n.nodetype !== 'controller') ?? nodes[0];
  const jobId = (await call('list_jobs', { cluster_name: cluster })).data.jobs[0].job_id;
  const backupId = (await call('list_backups', { cluster_name: cluster })).data.backups[0].backup_id;
  const alarmId = (await call('list_alarms', {})).data.alarms[0].alarm_id;
  const logId = (await call('get_cluster_log', { cluster_name: cluster })).data.entries[0].log_id;
  const reportId = (await call('list_reports', { cluster_name: cluster })).data.reports[0]?.report_id;

  assert.ok(reportId !== undefined, 'the simulator has a report');

  // Arguments a model would send, per required or useful property.
  const argsFor = (t) => {
    const p = t.inputSchema.properties;
    const a = {};
    if ('cluster_name' in p) a.cluster_name = cluster;
    if ('node' in p && (t.inputSchema.required ?? []).includes('node')) a.node = node.node ?? node.hostname;
    if ('job_id' in p) a.job_id = jobId;
    if ('backup_id' in p) a.backup_id = backupId;
    if ('alarm_id' in p) a.alarm_id = alarmId;
    if ('log_id' in p) a.log_id = logId;
    if ('report_id' in p) a.report_id = reportId;
    if ('hosts' in p) a.hosts = [node.hostname];
    if (t.name === 'wait_for_job') a.timeout_s = 5;
    for (const req of t.inputSchema.required ?? []) assert.ok(req in a, `${t.name}: no realistic value for '${req}'`);
    return a;
  };

  const expectations = {
    get_job: String(jobId), get_job_log: String(jobId), wait_for_job: String(jobId),
    get_backup: String(backupId), get_alarm: String(alarmId), get_node: node.hostname,
  };
  let called = 0;
  for (const t of tools) {
    const { text } = await call(t.name, argsFor(t));
    const expected = expectations[t.name];
    if (expected) assert.ok(text.includes(expected), `${t.name} mentions ${expected}: ${text.slice(0, 200)}`);
    called++;
  }
  assert.ok(called >= 44, `called ${called} read tools`);
});
