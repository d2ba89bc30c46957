// The audit trail, end to end: the real cmon-mcp over stdio with MCP_AUDIT_LOG, driven by the official SDK
// client against cmon-sim. Every call of a state-changing tool is one JSON line (whatever its outcome:
// done, dry run, confirmation required, error), read tools are not audited, and the password given to
// create_db_user appears nowhere in the file (the suite's secret scan reads it too: it lies in test-logs).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startSim } from './daemon_helpers.mjs';

const password = 'Audit-Pw-7c41e9d2aa5b';
let sim;
before(async () => {
  sim = await startSim();
});
after(async () => {
  await sim?.stop();
});

function auditPath() {
  const dir = process.env.BUILD_DIR ? join(process.env.BUILD_DIR, 'test-logs') : tmpdir();
  mkdirSync(dir, { recursive: true });
  return join(dir, `audit-${process.pid}.jsonl`);
}

test('state-changing calls are audited one JSON line each, secrets redacted; reads are not', async () => {
  const path = auditPath();
  const transport = new StdioClientTransport({
    command: process.env.CMON_MCP,
    args: ['-endpoint', sim.endpoint, '-username', 'admin', '-password', 'admin', '-audit-log', path],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'e2e-audit', version: '3.1' });
  await client.connect(transport);
  let lines;
  try {
    await client.callTool({ name: 'list_clusters', arguments: {} });
    const created = await client.callTool({
      name: 'create_db_user',
      arguments: { cluster_id: 1, user_name: 'audit_reader', host: '%', password, privileges: '*.*:SELECT' },
    });
    assert.notEqual(created.isError, true, created.content?.[0]?.text);
    const state = await sim.state();
    assert.ok(state.clusters.find((c) => c.cluster_id === 1).accounts.some((a) => a.user_name === 'audit_reader'));
    await client.callTool({ name: 'stop_node', arguments: { cluster_id: 1, node: '10.0.1.13' } });
    await client.callTool({ name: 'restart_node', arguments: { cluster_id: 1, node: '10.0.1.12', dry_run: true } });
    const bad = await client.callTool({ name: 'restart_node', arguments: { cluster_id: 999, node: 'x' } });
    assert.equal(bad.isError, true);
  } finally {
    await client.close();
  }
  assert.ok(existsSync(path), 'the audit file exists');
  const text = readFileSync(path, 'utf8');
  assert.ok(!text.includes(password), 'the password is not in the audit file');
  lines = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => [l.tool, l.outcome]),
    [
      ['create_db_user', 'done'],
      ['stop_node', 'confirmation_required'],
      ['restart_node', 'dry_run'],
      ['restart_node', 'error'],
    ],
  );
  const [user, stop, , failed] = lines;
  assert.equal(user.arguments.password, '***');
  assert.equal(user.arguments.user_name, 'audit_reader');
  assert.equal(user.class, 'write');
  assert.equal(user.client, 'e2e-audit 3.1');
  assert.equal(user.cluster_id, 1);
  assert.match(user.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(stop.class, 'destructive');
  assert.match(failed.error, /999/);
});
