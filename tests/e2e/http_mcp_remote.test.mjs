// mcp-remote (Claude Desktop's stdio<->HTTP bridge) in front of our HTTP transports, driven by the SDK's
// stdio client: sse-only against /sse and the default http-first against /mcp. No token is configured:
// on a 401 mcp-remote would start a browser OAuth flow and hang (clients-howto §4).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startServer } from './http_helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const mcpRemote = join(here, 'node_modules', '.bin', 'mcp-remote');
let server;
let home;
before(async () => {
  server = await startServer();
  home = mkdtempSync(join(tmpdir(), 'mcp-remote-home-')); // mcp-remote keeps state under ~/.mcp-auth
});
after(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

async function viaBridge(args) {
  const transport = new StdioClientTransport({
    command: mcpRemote,
    args,
    env: { ...process.env, HOME: home },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'e2e-mcp-remote', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

for (const [name, args] of [
  ['sse-only against /sse', (s) => [s.url('/sse').href, '--transport', 'sse-only']],
  ['http-first against /mcp', (s) => [s.url('/mcp').href]],
]) {
  test(`mcp-remote ${name}: tools and resources work through the bridge`, async () => {
    const client = await viaBridge(args(server));
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'test_simple_text'));
      const r = await client.callTool({ name: 'test_simple_text', arguments: {} });
      assert.equal(r.content[0].text, 'This is a simple text response for testing.');
      const res = await client.readResource({ uri: 'test://static-text' });
      assert.equal(res.contents[0].text, 'This is the content of the static text resource.');
    } finally {
      await client.close();
    }
  });
}
