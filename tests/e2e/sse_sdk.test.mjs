// End-to-end over legacy HTTP+SSE (GET /sse + POST /message) with the official SDK's SSEClientTransport:
// endpoint discovery, calls, log notifications and elicitation on the one SSE stream, bearer tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { ElicitRequestSchema, EmptyResultSchema, LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { startServer } from './http_helpers.mjs';

let server;
let authed;
before(async () => {
  server = await startServer();
  authed = await startServer(['--token', 'e2e-token']);
});
after(async () => {
  await server?.stop();
  await authed?.stop();
});

async function connect(srv, { capabilities = {}, headers } = {}) {
  const transport = new SSEClientTransport(srv.url('/sse'), headers ? { requestInit: { headers } } : undefined);
  const client = new Client({ name: 'e2e-sse', version: '1.0.0' }, { capabilities });
  await client.connect(transport);
  return client;
}

test('initialize, ping, tools over the legacy transport', async () => {
  const client = await connect(server);
  try {
    assert.equal(client.getServerVersion().name, 'cmon-mcp-conformance');
    assert.deepEqual(await client.ping(), {});
    const { tools } = await client.listTools();
    assert.ok(tools.length >= 10);
    const r = await client.callTool({ name: 'test_multiple_content_types', arguments: {} });
    assert.deepEqual(r.content.map((c) => c.type), ['text', 'image', 'resource']);
    await assert.rejects(client.request({ method: 'nope/nope', params: {} }, EmptyResultSchema), (e) => e instanceof McpError && e.code === -32601);
  } finally {
    await client.close();
  }
});

test('log notifications and elicitation share the SSE stream', async () => {
  const client = await connect(server, { capabilities: { elicitation: {} } });
  const logs = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params.data));
  client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'decline' }));
  try {
    await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
    assert.ok(logs.includes('Tool execution started'));
    const e = await client.callTool({ name: 'test_elicitation', arguments: { message: 'ok?' } });
    assert.match(e.content[0].text, /action=decline/);
    await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), (err) => err instanceof McpError && err.code === -32602);
  } finally {
    await client.close();
  }
});

test('two SSE clients at once each get their own answers', async () => {
  const [a, b] = await Promise.all([connect(server), connect(server)]);
  try {
    const [ra, rb] = await Promise.all([
      a.readResource({ uri: 'test://template/1/data' }),
      b.readResource({ uri: 'test://template/2/data' }),
    ]);
    assert.match(ra.contents[0].text, /"id":"1"/);
    assert.match(rb.contents[0].text, /"id":"2"/);
  } finally {
    await a.close();
    await b.close();
  }
});

test('bearer token applies to the GET stream and to every POST', async () => {
  await assert.rejects(connect(authed), (e) => e instanceof SseError && e.code === 401);
  const client = await connect(authed, { headers: { Authorization: 'Bearer e2e-token' } });
  try {
    const r = await client.callTool({ name: 'test_simple_text', arguments: {} });
    assert.equal(r.content[0].text, 'This is a simple text response for testing.');
  } finally {
    await client.close();
  }
});
