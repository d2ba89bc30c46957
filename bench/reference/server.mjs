// The reference server of the benchmark: what someone would write with the official TypeScript SDK
// (@modelcontextprotocol/sdk, pinned in bench/package-lock.json). It lists cmon-mcp's real tool catalogue
// (the JSON of `cmon-mcp tools --format json`), validates arguments against each tool's input schema
// (Ajv, compiled once), and implements list_clusters, get_cluster and list_backups for real: the same
// CMON RPC v2 calls over HTTPS with keep-alive (a pool of 4 sockets, like cmon-mcp's default) and the
// same reply shaping as cmon-mcp's tools. Other tools answer isError "not implemented in the reference".
//
// Transports: Streamable HTTP on /mcp (stateful, JSON responses) and legacy SSE on GET /sse + POST
// /message, one SDK Server per session as the SDK's examples do; or stdio with --stdio.
//
//   node server.mjs --catalogue tools.json --endpoint https://127.0.0.1:9501 [--bind 127.0.0.1:0 | --stdio]
// CMON_USERNAME / CMON_PASSWORD from the environment (default admin/admin).
import http from 'node:http';
import https from 'node:https';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import Ajv from 'ajv';

const { values: opt } = parseArgs({
  options: {
    catalogue: { type: 'string' },
    endpoint: { type: 'string' },
    bind: { type: 'string', default: '127.0.0.1:0' },
    stdio: { type: 'boolean', default: false },
    'max-sessions': { type: 'string', default: '1000' },
  },
});
if (!opt.catalogue || !opt.endpoint) {
  process.stderr.write('usage: server.mjs --catalogue tools.json --endpoint https://127.0.0.1:PORT [--bind H:P | --stdio]\n');
  process.exit(2);
}
const endpoint = new URL(opt.endpoint);
if (endpoint.hostname !== '127.0.0.1' && endpoint.hostname !== 'localhost' && endpoint.hostname !== '[::1]') {
  process.stderr.write('the reference server only talks to a loopback CMON\n');
  process.exit(2);
}
const maxSessions = Number(opt['max-sessions']);

// ------------------------------------------------------------------------------------------ catalogue
const catalogue = JSON.parse(readFileSync(opt.catalogue, 'utf8'));
const tools = catalogue.map((t) => {
  const out = { name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema, annotations: t.annotations };
  if (t.outputSchema) out.outputSchema = t.outputSchema;
  return out;
});
const ajv = new Ajv({ allErrors: false, strict: false });
const validators = new Map(catalogue.map((t) => [t.name, ajv.compile(t.inputSchema)]));

// ------------------------------------------------------------------------------------------ CMON client
const agent = new https.Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: false });
let cookie = '';
let loginInFlight = null;

function post(path, body) {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: endpoint.hostname,
        port: endpoint.port,
        path,
        method: 'POST',
        agent,
        timeout: 30000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(cookie ? { cookie } : {}) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const setCookie = res.headers['set-cookie'];
          if (setCookie) for (const c of setCookie) if (c.startsWith('cmon-sid=')) cookie = c.split(';')[0];
          try {
            resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (e) {
            reject(new Error(`CMON answered with something that is not JSON (HTTP ${res.statusCode})`));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('CMON call timed out')));
    req.on('error', reject);
    req.end(data);
  });
}

async function login() {
  const r = await post('/v2/auth', {
    operation: 'authenticateWithPassword',
    user_name: process.env.CMON_USERNAME || 'admin',
    password: process.env.CMON_PASSWORD || 'admin',
  });
  if (r.body.request_status !== 'Ok') throw new Error(`CMON login failed: ${r.body.request_status}`);
}

// One login for all concurrent callers.
function ensureLogin() {
  if (!loginInFlight) loginInFlight = login().finally(() => (loginInFlight = null));
  return loginInFlight;
}

async function cmonCall(path, operation, fields = {}) {
  if (!cookie) await ensureLogin();
  let r = await post(path, { operation, ...fields });
  if (r.status === 401 || r.body.request_status === 'AuthRequired') {
    cookie = '';
    await ensureLogin();
    r = await post(path, { operation, ...fields });
  }
  if (r.body.request_status !== 'Ok') {
    throw new Error(`${r.body.request_status}: ${r.body.error_string || 'CMON refused the request'}`);
  }
  return r.body;
}

// ------------------------------------------------------------------------------------------ shaping
const str = (o, k, d = '') => (o && o[k] !== undefined && o[k] !== null ? String(o[k]) : d);
const int = (o, k, d = 0) => {
  const v = o ? o[k] : undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? Math.trunc(n) : d;
};
const bool = (o, k) => {
  const v = o ? o[k] : undefined;
  return v === true || v === 'true' || v === 1 || v === '1';
};
const list = (o, k) => (o && Array.isArray(o[k]) ? o[k] : []);
const stripHtml = (s) => s.replace(/<[^>]*>/g, '');
const hostOnline = (h) => str(h, 'hoststatus').toLowerCase() === 'cmonhostonline';
const dbHosts = (info, withController = false) =>
  list(info, 'hosts').filter((h) => withController || str(h, 'nodetype').toLowerCase() !== 'controller');

function clusterSummary(info) {
  const hosts = dbHosts(info);
  const alarms = info.alarm_statistics || {};
  return {
    cluster_id: int(info, 'cluster_id'),
    cluster_name: str(info, 'cluster_name'),
    cluster_type: str(info, 'cluster_type'),
    vendor: str(info, 'vendor'),
    version: str(info, 'version'),
    state: str(info, 'state'),
    status_text: stripHtml(str(info, 'status_text')),
    nodes: hosts.length,
    nodes_online: hosts.filter(hostOnline).length,
    alarms_critical: int(alarms, 'critical'),
    alarms_warning: int(alarms, 'warning'),
    tags: list(info, 'tags').filter((t) => typeof t === 'string'),
    maintenance: bool(info, 'maintenance_mode_active'),
    cluster_auto_recovery: bool(info, 'cluster_auto_recovery'),
    node_auto_recovery: bool(info, 'node_auto_recovery'),
  };
}

function clusterLine(c) {
  let s = `${c.cluster_name} (id ${c.cluster_id}) ${c.cluster_type} ${c.vendor} ${c.version} — ${c.state}; ` +
    `${c.nodes_online}/${c.nodes} nodes online; alarms ${c.alarms_critical} critical, ${c.alarms_warning} warning`;
  if (c.maintenance) s += '; IN MAINTENANCE';
  if (c.tags.length) s += '; tags: ' + c.tags.join(' ');
  return s;
}

function nodeSummary(h) {
  const hostname = str(h, 'hostname', str(h, 'ip'));
  return {
    node: `${hostname}:${int(h, 'port', 0)}`,
    hostname,
    port: int(h, 'port', 0),
    host_id: int(h, 'hostId', int(h, 'unique_id')),
    nodetype: str(h, 'nodetype'),
    role: str(h, 'role'),
    status: str(h, 'hoststatus').replace(/^CmonHost/, ''),
    online: hostOnline(h),
    connected: bool(h, 'connected'),
    readonly: bool(h, 'readonly') || bool(h, 'super_read_only'),
    maintenance: bool(h, 'maintenance_mode_active'),
    version: str(h, 'version'),
    message: stripHtml(str(h, 'message', str(h, 'errormsg'))),
    uptime_s: int(h, 'uptime'),
  };
}

function page(items, args, defLimit) {
  const offset = args.offset ?? 0;
  const limit = args.limit ?? defLimit;
  const slice = items.slice(offset, offset + limit);
  const out = { total: items.length, offset, returned: slice.length };
  if (offset + slice.length < items.length) out.next_offset = offset + slice.length;
  return [slice, out];
}

function respond(args, text, structured) {
  return {
    content: [{ type: 'text', text: args.format === 'json' ? JSON.stringify(structured, null, 1) : text }],
    structuredContent: structured,
  };
}

async function findCluster(args, extra = {}) {
  if (args.cluster_id !== undefined) {
    const r = await cmonCall('/v2/clusters', 'getClusterInfo', { cluster_id: args.cluster_id, ...extra });
    return r.cluster;
  }
  const all = await cmonCall('/v2/clusters', 'getAllClusterInfo', { ...extra });
  const c = list(all, 'clusters').find((x) => str(x, 'cluster_name').toLowerCase() === String(args.cluster_name || '').toLowerCase());
  if (!c) throw new Error('give cluster_id or cluster_name');
  return c;
}

const handlers = {
  async list_clusters(args) {
    const r = await cmonCall('/v2/clusters', 'getAllClusterInfo', { with_hosts: true });
    const full = args.detail === 'full';
    const items = [];
    for (const c of list(r, 'clusters')) {
      const s = clusterSummary(c);
      if (args.state && s.state.toLowerCase() !== args.state.toLowerCase()) continue;
      if (args.cluster_type && !s.cluster_type.toLowerCase().includes(args.cluster_type.toLowerCase()) && s.vendor.toLowerCase() !== args.cluster_type.toLowerCase()) continue;
      if (args.tag && !s.tags.some((t) => t.toLowerCase() === args.tag.toLowerCase())) continue;
      if (full) s.raw = c;
      items.push(s);
    }
    const [slice, out] = page(items, args, 50);
    out.clusters = slice;
    let text = out.total === 0 ? 'No cluster matches the filters.' : `${out.total} cluster(s):\n`;
    for (const c of slice) text += `- ${clusterLine(c)}\n`;
    return respond(args, text, out);
  },
  async get_cluster(args) {
    const info = await findCluster(args, { with_hosts: true });
    const summary = clusterSummary(info);
    const nodes = dbHosts(info, true).map(nodeSummary);
    const jobCounts = {};
    for (const [k, v] of Object.entries((info.job_statistics || {}).by_state || {})) jobCounts[k] = Number(v) || 0;
    const out = { cluster: { ...summary, configuration_file: str(info, 'configuration_file'), log_file: str(info, 'log_file') }, nodes, job_counts: jobCounts };
    if (args.detail === 'full') out.raw = info;
    let text = clusterLine(summary) + '\n';
    if (summary.status_text) text += `Status: ${summary.status_text}\n`;
    text += `Auto-recovery: cluster ${summary.cluster_auto_recovery ? 'on' : 'OFF'}, node ${summary.node_auto_recovery ? 'on' : 'OFF'}\nNodes:\n`;
    for (const n of nodes) text += `- ${n.node} ${n.nodetype}${n.role ? '/' + n.role : ''} ${n.status}${n.version ? ', v' + n.version : ''}\n`;
    return respond(args, text, out);
  },
  async list_backups(args) {
    const fields = { limit: args.limit ?? 20, offset: args.offset ?? 0, ascending: false, backup_record_version: 2 };
    if (args.cluster_id !== undefined || args.cluster_name !== undefined) fields.cluster_id = (await findCluster(args)).cluster_id;
    const r = await cmonCall('/v2/backup', 'getBackups', fields);
    const backups = list(r, 'backup_records').map((rec) => {
      const b = rec.metadata && typeof rec.metadata === 'object' ? rec.metadata : rec; // version 2 nests the fields
      const loc = list(rec, 'host_locations')[0] || {};
      return {
        backup_id: int(b, 'id'),
        cluster_id: int(b, 'cid', int(b, 'cluster_id')),
        job_id: int(b, 'job_id'),
        method: str(b, 'method'),
        status: str(b, 'status'),
        title: stripHtml(str(b, 'title')),
        created: str(b, 'created'),
        finished: str(b, 'finished'),
        size_bytes: list(b, 'backup').reduce((a, x) => a + list(x, 'files').reduce((t, f) => t + int(f, 'size'), 0), 0),
        backup_host: str(b, 'backup_host'),
        storage_host: str(b, 'storage_host', str(loc, 'storage_host')),
        root_dir: str(b, 'root_dir', str(loc, 'root_dir')),
        verified: str(b.verified, 'status', 'NotVerified'),
      };
    });
    const out = { total: int(r, 'total', backups.length), offset: fields.offset, returned: backups.length, backups };
    let text = `${out.total} backup(s), newest first:\n`;
    for (const b of backups) text += `- backup ${b.backup_id} [${b.status}] ${b.method}, ${b.size_bytes} bytes, ${b.created}, cluster ${b.cluster_id}${b.backup_host ? ', from ' + b.backup_host : ''}${b.storage_host ? ', stored on ' + b.storage_host + ':' + b.root_dir : ''}\n`;
    return respond(args, text, out);
  },
};

function newServer() {
  const server = new Server({ name: 'cmon-mcp-reference', version: '0.0.0' }, { capabilities: { tools: { listChanged: false } } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async (req) => {
    const { name } = req.params;
    const args = req.params.arguments ?? {};
    const validate = validators.get(name);
    if (!validate) return { isError: true, content: [{ type: 'text', text: `unknown tool ${name}` }] };
    if (!validate(args)) return { isError: true, content: [{ type: 'text', text: `invalid arguments: ${ajv.errorsText(validate.errors)}` }] };
    const handler = handlers[name];
    if (!handler) return { isError: true, content: [{ type: 'text', text: `${name} is not implemented in the reference server` }] };
    try {
      return await handler(args);
    } catch (e) {
      return { isError: true, content: [{ type: 'text', text: `Could not run ${name}: ${e.message}` }] };
    }
  });
  return server;
}

// ------------------------------------------------------------------------------------------ transports
if (opt.stdio) {
  await newServer().connect(new StdioServerTransport());
} else {
  const streamable = new Map(); // session id -> transport
  const legacy = new Map();
  const sessionCount = () => streamable.size + legacy.size;

  const readBody = (req) =>
    new Promise((resolve, reject) => {
      const chunks = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size > 4 * 1024 * 1024) req.destroy(new Error('body too large'));
        else chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  const fail = (res, status, message) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
  };

  const httpServer = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      if (url.pathname === '/mcp') {
        const sid = req.headers['mcp-session-id'];
        if (req.method === 'POST') {
          let body;
          try {
            body = JSON.parse(await readBody(req));
          } catch {
            return fail(res, 400, 'Parse error');
          }
          let transport = sid ? streamable.get(sid) : undefined;
          if (sid && !transport) return fail(res, 404, 'Session not found');
          if (!transport) {
            if (sessionCount() >= maxSessions) return fail(res, 503, 'too many sessions');
            transport = new StreamableHTTPServerTransport({
              sessionIdGenerator: () => randomUUID(),
              enableJsonResponse: true,
              onsessioninitialized: (id) => streamable.set(id, transport),
            });
            transport.onclose = () => transport.sessionId && streamable.delete(transport.sessionId);
            await newServer().connect(transport);
          }
          return await transport.handleRequest(req, res, body);
        }
        const transport = sid ? streamable.get(sid) : undefined;
        if (!transport) return fail(res, sid ? 404 : 400, sid ? 'Session not found' : 'Mcp-Session-Id header is required');
        return await transport.handleRequest(req, res);
      }
      if (url.pathname === '/sse' && req.method === 'GET') {
        if (sessionCount() >= maxSessions) return fail(res, 503, 'too many sessions');
        const transport = new SSEServerTransport('/message', res);
        legacy.set(transport.sessionId, transport);
        res.on('close', () => legacy.delete(transport.sessionId));
        await newServer().connect(transport);
        return;
      }
      if (url.pathname === '/message' && req.method === 'POST') {
        const transport = legacy.get(url.searchParams.get('sessionId') || '');
        if (!transport) return fail(res, 404, 'Session not found');
        let body;
        try {
          body = JSON.parse(await readBody(req));
        } catch {
          return fail(res, 400, 'Parse error');
        }
        return await transport.handlePostMessage(req, res, body);
      }
      if (url.pathname === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('ok');
      }
      fail(res, 404, 'Not found');
    } catch (e) {
      if (!res.headersSent) fail(res, 500, e.message);
    }
  });
  httpServer.keepAliveTimeout = 10000;
  httpServer.headersTimeout = 15000;
  httpServer.requestTimeout = 0; // SSE streams stay open
  httpServer.maxConnections = maxSessions + 1000;
  const colon = opt.bind.lastIndexOf(':');
  httpServer.listen(Number(opt.bind.slice(colon + 1)), opt.bind.slice(0, colon), () => {
    process.stderr.write(`serving MCP on http://127.0.0.1:${httpServer.address().port}/mcp\n`);
  });
  const stop = () => {
    httpServer.close();
    httpServer.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
