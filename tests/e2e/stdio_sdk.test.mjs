// End-to-end over stdio with the official TypeScript SDK client (StdioClientTransport), as Claude Code
// starts cmon-mcp: initialize, tools/list, tools/call, a bad call, ping, progress and cancellation.
// The protocol server is the transcript server (real engine and transport, test-only tools).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema, ElicitRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';

const server = process.env.TRANSCRIPT_SERVER;
assert.ok(server, 'TRANSCRIPT_SERVER must name the test server binary');

async function connect(capabilities = {}) {
  const transport = new StdioClientTransport({ command: server, args: [], env: { ...process.env }, stderr: 'inherit' });
  const client = new Client({ name: 'e2e-stdio', version: '1.0.0' }, { capabilities });
  await client.connect(transport);
  return client;
}

test('initialize negotiates the SDK default version and reports the server', async () => {
  const client = await connect();
  try {
    assert.equal(client.getServerVersion().name, 'cmon-mcp');
    assert.ok(client.getServerCapabilities().tools);
    assert.match(client.getInstructions() ?? '', /list_clusters/);
    await client.ping();
  } finally {
    await client.close();
  }
});

test('tools/list pages through every tool', async () => {
  const client = await connect();
  try {
    const names = [];
    let cursor;
    do {
      const page = await client.listTools(cursor ? { cursor } : {});
      names.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(names, ['echo', 'slow', 'fail', 'crash', 'log_levels', 'confirm_drop', 'cmon_call']);
  } finally {
    await client.close();
  }
});

test('tools/call returns text and structured content that matches the output schema', async () => {
  const client = await connect();
  try {
    await client.listTools(); // the SDK validates structuredContent against cached output schemas
    const r = await client.callTool({ name: 'echo', arguments: { text: 'hi', repeat: 3 } });
    assert.equal(r.content[0].text, 'hihihi');
    assert.deepEqual(r.structuredContent, { text: 'hihihi' });
  } finally {
    await client.close();
  }
});

test('bad calls: unknown tool is a protocol error, invalid arguments a tool error the model can fix', async () => {
  const client = await connect();
  try {
    await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (e) => e instanceof McpError && e.code === -32602);
    const r = await client.callTool({ name: 'echo', arguments: { text: 5 } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /text: expected string/);
    const f = await client.callTool({ name: 'fail', arguments: {} });
    assert.equal(f.isError, true);
  } finally {
    await client.close();
  }
});

test('progress notifications arrive in order before the result', async () => {
  const client = await connect();
  try {
    const seen = [];
    const r = await client.callTool({ name: 'slow', arguments: { ms: 100 } }, CallToolResultSchema, {
      onprogress: (p) => seen.push(p.progress),
    });
    assert.equal(r.content[0].text, 'slept 100 ms');
    assert.ok(seen.length >= 9, `got ${seen.length} progress notifications`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1]);
  } finally {
    await client.close();
  }
});

test('cancellation stops the call and the session goes on', async () => {
  const client = await connect();
  try {
    const controller = new AbortController();
    const call = client.callTool({ name: 'slow', arguments: { ms: 5000 } }, CallToolResultSchema, { signal: controller.signal });
    setTimeout(() => controller.abort('user pressed stop'), 100);
    const started = Date.now();
    await assert.rejects(call);
    assert.ok(Date.now() - started < 4000);
    await client.ping();
    const r = await client.callTool({ name: 'echo', arguments: { text: 'still here' } });
    assert.equal(r.content[0].text, 'still here');
  } finally {
    await client.close();
  }
});

test('elicitation goes to a client that declared it', async () => {
  const client = await connect({ elicitation: {} });
  try {
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      assert.match(req.params.message, /Drop database/);
      return { action: 'accept', content: { confirm: true } };
    });
    const r = await client.callTool({ name: 'confirm_drop', arguments: {} });
    assert.equal(r.content[0].text, 'action=accept content={"confirm":true}');
  } finally {
    await client.close();
  }
});
