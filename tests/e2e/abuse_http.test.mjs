// Abuse of the real cmon-mcp daemon's HTTP transports by a hostile or broken client: bad tokens, tokens
// in URLs, 10,000 bogus session ids, oversized requests, slow-loris connections, deeply nested JSON,
// huge numbers, invalid UTF-8, JSON-RPC ids of every odd type and duplicate ids in flight. The daemon
// must answer each with the right status or JSON-RPC error, never crash, never echo a token, and keep
// serving well-behaved clients with its resources back to baseline.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { startSim, startDaemon } from './daemon_helpers.mjs';
import { SECRETS, sleep, connect, disconnect, callSeries, procStats, assertBackToBaseline, closeAll } from './fault_helpers.mjs';

const MAX_SESSIONS = 20;
let sim;
let daemon;
let base;
const AUTH = { authorization: `Bearer ${SECRETS.token}` };
const POST_HEADERS = { ...AUTH, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'abuse', version: '1' } },
};

before(async () => {
  sim = await startSim(['--user', `${SECRETS.user}:${SECRETS.password}`]);
  daemon = await startDaemon(sim, ['-max-sessions', String(MAX_SESSIONS), '-rate-limit', '0'], { MCP_AUTH_TOKEN: SECRETS.token, CMON_PASSWORD: SECRETS.password }, SECRETS.user);
  const c = await connect(daemon, 'streamable');
  assert.ok((await callSeries(c, 2))[1].ok);
  await disconnect(c);
  base = procStats(daemon.child.pid);
});
after(async () => {
  await daemon?.stop();
  await sim?.stop();
});

async function post(body, headers = POST_HEADERS, path = '/mcp') {
  const r = await fetch(daemon.url(path), { method: 'POST', headers, body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) });
  const text = await r.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    const data = /^data: (.*)$/m.exec(text);
    json = data ? JSON.parse(data[1]) : undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}

// Sessions a failed test left open are ended after it, so that one failure does not cascade.
const openSessions = new Set();
afterEach(async () => {
  for (const close of [...openSessions]) await close().catch(() => {});
  await closeAll();
});

// A fresh initialised Streamable HTTP session; returns a poster bound to it.
async function session() {
  const init = await post(INIT);
  assert.equal(init.status, 200);
  const sid = init.headers.get('mcp-session-id');
  const headers = { ...POST_HEADERS, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' };
  assert.equal((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).status, 202);
  const close = async () => {
    openSessions.delete(close);
    const r = await fetch(daemon.url('/mcp'), { method: 'DELETE', headers: { ...AUTH, 'mcp-session-id': sid } });
    await r.text();
    assert.equal(r.status, 200);
  };
  // Each message on its own connection (Connection: close): a large rejected body must not depend on
  // how the client pools connections.
  const send = async (body) => {
    const data = typeof body === 'string' || body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
    const head = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${SECRETS.token}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMcp-Session-Id: ${sid}\r\nMCP-Protocol-Version: 2025-06-18\r\nConnection: close\r\nContent-Length: ${data.length}\r\n\r\n`;
    const r = await raw(Buffer.concat([Buffer.from(head), data]));
    const text = Buffer.from(r.received, 'latin1').toString('utf8');
    let bodyText = text.slice(text.indexOf('\r\n\r\n') + 4);
    if (/^transfer-encoding: *chunked/im.test(text.slice(0, text.indexOf('\r\n\r\n')))) {
      let out = '';
      for (let rest = bodyText; ; ) {
        const nl = rest.indexOf('\r\n');
        const n = parseInt(rest.slice(0, nl), 16);
        if (!(n > 0)) break;
        out += rest.slice(nl + 2, nl + 2 + n);
        rest = rest.slice(nl + 2 + n + 2);
      }
      bodyText = out;
    }
    let json;
    try {
      json = JSON.parse(bodyText);
    } catch {
      const d = /^data: (.*)$/m.exec(bodyText);
      json = d ? JSON.parse(d[1]) : undefined;
    }
    return { status: r.status, text: bodyText, json };
  };
  openSessions.add(close);
  return { sid, send, close };
}

// Runs `fn` over `items` with at most `width` in flight.
async function pool(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

test('missing, wrong, partial and misplaced tokens are refused, and never logged', async () => {
  const t = SECRETS.token;
  const presented = [t.slice(0, -1), `${t}x`, t.toUpperCase(), t.slice(0, 8), `${t} ${t}`];
  for (const headers of [
    {},
    { authorization: '' },
    { authorization: 'Bearer' },
    { authorization: 'Bearer ' },
    { authorization: `Basic ${Buffer.from(`u:${t}`).toString('base64')}` },
    { authorization: t },
    ...presented.map((p) => ({ authorization: `Bearer ${p}` })),
  ]) {
    const r = await post(INIT, { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers });
    assert.equal(r.status, 401, JSON.stringify(headers));
    assert.equal(r.headers.get('mcp-session-id'), null);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer realm="cmon-mcp"/);
  }
  // The scheme is case-insensitive (RFC 7235), the token is not.
  const lower = await post(INIT, { ...POST_HEADERS, authorization: `bearer ${t}` });
  assert.equal(lower.status, 200);
  await (await fetch(daemon.url('/mcp'), { method: 'DELETE', headers: { ...AUTH, 'mcp-session-id': lower.headers.get('mcp-session-id') } })).text();
  // A token in the URL is refused even next to a valid header: URLs end up in proxy and access logs.
  for (const path of [`/mcp?access_token=${t}`, `/mcp?token=${t}`, `/sse?access_token=${t}`, `/message?sessionId=x&api_key=${t}`]) {
    const r = await fetch(daemon.url(path), { method: path.startsWith('/sse') ? 'GET' : 'POST', headers: POST_HEADERS, body: path.startsWith('/sse') ? undefined : JSON.stringify(INIT) });
    await r.text();
    assert.equal(r.status, 400, path);
  }
  const log = readFileSync(daemon.log, 'utf8');
  for (const p of [t, ...presented]) assert.ok(!log.includes(p), 'a presented token never appears in the log');
});

// Pipelines `requests` (raw HTTP/1.1 texts) on one connection and returns the status of each response.
function pipeline(requests) {
  return new Promise((resolve, reject) => {
    const s = net.connect(daemon.port, '127.0.0.1');
    const statuses = [];
    let buf = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`pipeline: ${statuses.length} of ${requests.length} answered in time`));
    }, 120000);
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = buf.slice(0, end);
        if (!head.startsWith('HTTP/1.1 ')) {
          clearTimeout(timer);
          s.destroy();
          reject(new Error(`pipeline: not a response head: ${JSON.stringify(head.slice(0, 200))}`));
          return;
        }
        const len = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + len) break;
        statuses.push(Number(head.slice(9, 12)));
        buf = buf.slice(end + 4 + len);
      }
      if (statuses.length >= requests.length) {
        clearTimeout(timer);
        s.end();
        resolve([...statuses]);
      }
    });
    s.on('error', reject);
    s.write(requests.join(''));
  });
}

test('10,000 bogus session ids: each is a 404, nothing is kept', async () => {
  const body = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
  const request = (id, i) =>
    i % 2
      ? `POST /message?sessionId=${encodeURIComponent(id)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${SECRETS.token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
      : `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${SECRETS.token}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMcp-Session-Id: ${id}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const ids = Array.from({ length: 10000 }, (_, i) => (i % 3 === 0 ? `bogus-${i}` : i % 3 === 1 ? crypto.randomUUID() : 'x'.repeat(200 + (i % 50))));
  // 20 connections, 500 pipelined requests each.
  const batches = Array.from({ length: 20 }, (_, b) => ids.slice(b * 500, (b + 1) * 500).map((id, i) => request(id, b * 500 + i)));
  const statuses = (await Promise.all(batches.map(pipeline))).flat();
  assert.equal(statuses.length, 10000);
  const counts = {};
  for (const st of statuses) counts[st] = (counts[st] ?? 0) + 1;
  // 404 for an unknown id, 400 for one that is not even well-formed: never a session, never a 5xx.
  assert.deepEqual(Object.keys(counts).filter((st) => st !== '404' && st !== '400'), [], JSON.stringify(counts));
  assert.ok((counts[404] ?? 0) >= 3000, JSON.stringify(counts));
  await assertBackToBaseline(daemon, base, MAX_SESSIONS);
});

// Sends raw bytes on a new connection and reads until the server closes it (bounded): the status code
// of the first response and whether the server closed the connection.
async function raw(data, ms = 15000) {
  const s = net.connect(daemon.port, '127.0.0.1');
  let received = '';
  s.on('data', (d) => (received += d.toString('latin1')));
  s.on('error', () => {});
  const closed = new Promise((resolve) => s.on('close', () => resolve(true)));
  s.write(data);
  const wasClosed = await Promise.race([closed, sleep(ms).then(() => false)]);
  s.destroy();
  const m = /^HTTP\/1\.1 (\d{3})/.exec(received);
  return { status: m ? Number(m[1]) : 0, closed: wasClosed, received };
}

test('oversized bodies and headers: 413 and 431, the connection is closed', async () => {
  // The declared length alone is refused, before the 5 MB are sent.
  const big = await raw(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${SECRETS.token}\r\nContent-Type: application/json\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n{`);
  assert.equal(big.status, 413);
  assert.ok(big.closed);
  // Chunked: found while reading.
  const chunk = 'a'.repeat(1024 * 1024);
  let chunked = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${SECRETS.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
  for (let i = 0; i < 5; i++) chunked += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  const bigChunked = await raw(chunked + '0\r\n\r\n');
  assert.equal(bigChunked.status, 413);
  const header = await raw(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${'x'.repeat(64 * 1024)}\r\n\r\n`);
  assert.equal(header.status, 431);
  assert.ok(header.closed);
  const manyHeaders = await raw(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`);
  assert.equal(manyHeaders.status, 431);
  const s = await session();
  assert.equal((await s.send({ jsonrpc: '2.0', id: 2, method: 'ping' })).status, 200, 'still serving');
  await s.close();
  await assertBackToBaseline(daemon, base, MAX_SESSIONS);
});

test('slow-loris: trickling connections are cut at the header deadline; others are served meanwhile', async () => {
  const sockets = [];
  const closed = [];
  for (let i = 0; i < 40; i++) {
    const s = net.connect(daemon.port, '127.0.0.1');
    s.on('error', () => {});
    closed.push(new Promise((resolve) => s.on('close', resolve)));
    sockets.push(s);
  }
  const header = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${SECRETS.token}\r\nX-Slow: ${'a'.repeat(400)}`;
  let pos = 0;
  const trickle = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write(header[pos % header.length]);
    pos++;
  }, 200);
  try {
    // A well-behaved client is served while the 40 connections trickle.
    const c = await connect(daemon, 'streamable');
    const started = Date.now();
    const outcomes = await callSeries(c, 3);
    assert.deepEqual(outcomes.filter((o) => !o.ok), []);
    assert.ok(Date.now() - started < 10000, 'served without waiting for the slow connections');
    await disconnect(c);
    // The server's header deadline (10 s) ends them even though bytes keep arriving.
    const all = Promise.all(closed);
    const cut = await Promise.race([all.then(() => true), sleep(20000).then(() => false)]);
    assert.ok(cut, 'every slow connection was closed by the server');
  } finally {
    clearInterval(trickle);
    for (const s of sockets) s.destroy();
  }
  await assertBackToBaseline(daemon, base, MAX_SESSIONS);
});

test('deeply nested JSON, huge numbers and invalid UTF-8 get JSON-RPC errors; the session goes on', async () => {
  const s = await session();
  const deep = `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"list_clusters","arguments":${'{"a":'.repeat(100000)}1${'}'.repeat(100000)}}}`;
  const nested = await s.send(deep);
  assert.equal(nested.json?.error?.code, -32700, nested.text.slice(0, 200));
  assert.match(nested.json.error.message, /deeper than/);
  const arrays = await s.send('['.repeat(200000) + ']'.repeat(200000));
  assert.equal(arrays.json?.error?.code, -32700);

  for (const n of ['1e400', '-1e400', '123456789012345678901234567890', '1.7976931348623157e309']) {
    const r = await s.send(`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"get_cluster","arguments":{"cluster_id":${n}}}}`);
    assert.ok(r.json, `answered for ${n}: ${r.text.slice(0, 200)}`);
    const refused = r.json.error !== undefined || r.json.result?.isError === true;
    assert.ok(refused, `cluster_id ${n} is refused: ${r.text.slice(0, 300)}`);
  }
  const bad = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_cluster","arguments":{"cluster_name":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}}}')]);
  const utf = await s.send(bad);
  assert.equal(utf.json?.error?.code, -32700, utf.text.slice(0, 200));
  assert.equal((await s.send({ jsonrpc: '2.0', id: 8, method: 'ping' })).json?.result !== undefined, true);
  await s.close();
});

test('JSON-RPC ids of every odd type: valid ones echoed exactly, invalid ones refused', async () => {
  const s = await session();
  for (const id of [0, -1, 2 ** 53 - 1, 1.5, '', 'x', 'ünï©ødé', 'z'.repeat(10000)]) {
    const r = await s.send(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"ping"}`);
    // Answered with the id echoed exactly (type included), or refused as an invalid request.
    if ('result' in r.json) assert.deepEqual(r.json.id, id, `id ${JSON.stringify(id).slice(0, 40)} echoed with its type`);
    else assert.equal(r.json.error?.code, -32600, r.text.slice(0, 200));
    if (Number.isInteger(id) || typeof id === 'string') assert.ok('result' in r.json, `id ${JSON.stringify(id).slice(0, 40)} is valid`);
  }
  for (const raw of ['true', 'false', '{}', '[]', '[1]', '{"a":1}']) {
    const r = await s.send(`{"jsonrpc":"2.0","id":${raw},"method":"ping"}`);
    assert.equal(r.json?.error?.code, -32600, `id ${raw}: ${r.text.slice(0, 200)}`);
    assert.equal(r.json.id, null);
  }
  const nullId = await s.send('{"jsonrpc":"2.0","id":null,"method":"ping"}');
  assert.equal(nullId.json?.error?.code, -32600);
  await s.close();
});

test('duplicate ids in flight: the second is refused, the first completes, the id is free afterwards', async () => {
  const s = await session();
  await sim.fault({ mode: 'delay', delay_ms: 1500, operation: 'getClusterInfo' });
  try {
    const call = { jsonrpc: '2.0', id: 'dup', method: 'tools/call', params: { name: 'get_cluster', arguments: { cluster_id: 1 } } };
    const first = s.send(call);
    await sleep(300);
    const second = await s.send(call);
    assert.equal(second.json?.error?.code, -32600, second.text.slice(0, 200));
    assert.match(second.json.error.message, /already in use/);
    const r1 = await first;
    assert.equal(r1.json?.id, 'dup');
    assert.ok(r1.json.result && !r1.json.result.isError, r1.text.slice(0, 200));
  } finally {
    await sim.fault({ mode: 'none' });
  }
  const again = await s.send({ jsonrpc: '2.0', id: 'dup', method: 'ping' });
  assert.ok(again.json?.result, 'the id can be used again once answered');
  await s.close();
  await assertBackToBaseline(daemon, base, MAX_SESSIONS);
});
