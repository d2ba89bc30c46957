// End-to-end over Streamable HTTP (/mcp) with the official TypeScript SDK client: initialize, tools,
// progress and log notifications on the POST's SSE stream, elicitation and sampling answered by POST,
// cancellation, resources, prompts, session termination, and bearer-token authentication.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema, CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema, McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { startServer } from './http_helpers.mjs';

let server;
let authed;
before(async () => {
  server = await startServer();
  authed = await startServer(['--token', 'old-token', '--token', 'e2e-token']);
});
after(async () => {
  await server?.stop();
  await authed?.stop();
});

async function connect(srv, { capabilities = {}, headers } = {}) {
  const transport = new StreamableHTTPClientTransport(srv.url('/mcp'), headers ? { requestInit: { headers } } : undefined);
  const client = new Client({ name: 'e2e-http', version: '1.0.0' }, { capabilities });
  await client.connect(transport);
  return { client, transport };
}

test('initialize issues a session and negotiates the SDK default version', async () => {
  const { client, transport } = await connect(server);
  try {
    assert.match(transport.sessionId, /^[0-9a-f]{32}$/);
    assert.equal(transport.protocolVersion, '2025-11-25');
    assert.equal(client.getServerVersion().name, 'cmon-mcp-conformance');
    assert.ok(client.getServerCapabilities().resources?.subscribe);
    assert.deepEqual(await client.ping(), {});
  } finally {
    await client.close();
  }
});

test('tools: list, call, isError result, unknown tool as a protocol error', async () => {
  const { client } = await connect(server);
  try {
    const { tools } = await client.listTools();
    assert.ok(tools.some((t) => t.name === 'test_simple_text'));
    const r = await client.callTool({ name: 'test_simple_text', arguments: {} });
    assert.equal(r.content[0].text, 'This is a simple text response for testing.');
    const failed = await client.callTool({ name: 'test_error_handling', arguments: {} });
    assert.equal(failed.isError, true);
    await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (e) => e instanceof McpError && e.code === -32602);
  } finally {
    await client.close();
  }
});

test('progress and log notifications arrive during the call', async () => {
  const { client } = await connect(server);
  const logs = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params.data));
  try {
    const progress = [];
    await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, CallToolResultSchema, {
      onprogress: (p) => progress.push(p.progress),
    });
    assert.deepEqual(progress, [0, 50, 100]);
    await client.setLoggingLevel('debug');
    await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
    assert.deepEqual(logs, ['Tool execution started', 'Tool processing data', 'Tool execution completed']);
  } finally {
    await client.close();
  }
});

test('elicitation and sampling requests travel on the call stream and are answered by POST', async () => {
  const { client } = await connect(server, { capabilities: { elicitation: {}, sampling: {} } });
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    assert.equal(req.params.message, 'Who are you?');
    return { action: 'accept', content: { username: 'alice', email: 'a@example.com' } };
  });
  client.setRequestHandler(CreateMessageRequestSchema, async () => ({
    role: 'assistant', model: 'fake', content: { type: 'text', text: 'pong' },
  }));
  try {
    const e = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
    assert.match(e.content[0].text, /action=accept/);
    assert.match(e.content[0].text, /alice/);
    const s = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'ping?' } });
    assert.equal(s.content[0].text, 'LLM response: pong');
  } finally {
    await client.close();
  }
});

test('cancellation: the SDK sends notifications/cancelled and the session stays usable', async () => {
  const { client } = await connect(server);
  try {
    const ac = new AbortController();
    const call = client.callTool({ name: 'test_tool_with_logging', arguments: {} }, CallToolResultSchema, { signal: ac.signal });
    ac.abort('user cancelled');
    await assert.rejects(call);
    assert.deepEqual(await client.ping(), {});
  } finally {
    await client.close();
  }
});

test('resources and prompts', async () => {
  const { client } = await connect(server);
  try {
    const { resources } = await client.listResources();
    assert.ok(resources.some((r) => r.uri === 'test://static-text'));
    const t = await client.readResource({ uri: 'test://template/42/data' });
    assert.match(t.contents[0].text, /42/);
    await assert.rejects(client.readResource({ uri: 'test://missing' }), (e) => e.code === -32002);
    const p = await client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } });
    assert.match(p.messages[0].content.text, /arg1='a'.*arg2='b'/);
  } finally {
    await client.close();
  }
});

test('terminateSession deletes the session; its id is then unknown (404)', async () => {
  const { client, transport } = await connect(server);
  const sid = transport.sessionId;
  await transport.terminateSession();
  await client.close();
  const r = await fetch(server.url('/mcp'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': sid },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  });
  assert.equal(r.status, 404);
  assert.equal((await r.json()).error.code, -32001);
});

test('bearer token: refused without it (401), any configured token works', async () => {
  await assert.rejects(connect(authed), (e) => e instanceof StreamableHTTPError && e.code === 401);
  await assert.rejects(connect(authed, { headers: { Authorization: 'Bearer wrong' } }), (e) => e.code === 401);
  for (const token of ['old-token', 'e2e-token']) {
    const { client } = await connect(authed, { headers: { Authorization: `Bearer ${token}` } });
    const r = await client.callTool({ name: 'test_simple_text', arguments: {} });
    assert.equal(r.content[0].text, 'This is a simple text response for testing.');
    await client.close();
  }
  const health = await fetch(authed.url('/healthz'));
  assert.equal(health.status, 200);
});
