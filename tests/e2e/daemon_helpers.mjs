// Starts the CMON simulator and the real cmon-mcp binary for end-to-end tests, on ephemeral loopback
// ports, and stops both by PID.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';

function waitForLine(stream, pattern, child, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in time`)), 20000);
    createInterface({ input: stream }).on('line', (line) => {
      const m = pattern.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited early (${code})`));
    });
  });
}

// A log file under $BUILD_DIR/test-logs for a child's stderr (the secret scan, tests/e2e/scan_logs.mjs,
// reads them all after the suite); null when BUILD_DIR is not set.
let logSeq = 0;
export function logFile(what) {
  const dir = process.env.BUILD_DIR ? join(process.env.BUILD_DIR, 'test-logs') : null;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true });
  const script = basename(process.argv[1] ?? 'node').replace(/\.test\.mjs$|\.mjs$/, '');
  return createWriteStream(join(dir, `${script}-${process.pid}-${++logSeq}-${what}.log`));
}

// Copies a child's stderr into a log file (and keeps the stream flowing when nothing else reads it).
export function logStderr(stream, what) {
  const file = logFile(what);
  if (file) stream.pipe(file);
  else stream.resume();
  return file?.path ?? null;
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

export async function startSim(args = []) {
  const binary = process.env.CMON_SIM;
  assert.ok(binary, 'CMON_SIM must name the cmon-sim binary');
  const child = spawn(binary, ['--bind', '127.0.0.1:0', '--job-speed', '20', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  logStderr(child.stderr, 'cmon-sim');
  const lines = [];
  const ready = new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (lines.length === 3) resolve();
    });
    child.on('exit', (code) => reject(new Error(`cmon-sim exited early (${code})`)));
  });
  await ready;
  const endpoint = lines[0].replace(/^listening on /, '');
  const admin = lines[1].replace(/^admin on /, '');
  return {
    endpoint,
    admin,
    async fault(body) {
      const r = await fetch(`${admin}/faults`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(r.status, 200);
    },
    async state() {
      return (await fetch(`${admin}/state`)).json();
    },
    // {"job_speed": 0.1} makes jobs last 30 s, {"job_speed": 20} 150 ms.
    async config(body) {
      const r = await fetch(`${admin}/config`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(r.status, 200);
    },
    async job(id) {
      return (await fetch(`${admin}/state/jobs/${id}`)).json();
    },
    async stats() {
      return (await fetch(`${admin}/stats`)).json();
    },
    async resetStats() {
      assert.equal((await fetch(`${admin}/stats/reset`, { method: 'POST', body: '{}' })).status, 200);
    },
    async expireSessions() {
      assert.equal((await fetch(`${admin}/sessions/expire`, { method: 'POST', body: '{}' })).status, 200);
    },
    stop: () => stopChild(child),
  };
}

// cmon-mcp serving HTTP on 127.0.0.1:0; resolves once it logged its port.
// `username` defaults to the simulator's default user (admin, password admin via CMON_PASSWORD).
export async function startDaemon(sim, extraArgs = [], env = {}, username = 'admin') {
  const binary = process.env.CMON_MCP;
  assert.ok(binary, 'CMON_MCP must name the cmon-mcp binary');
  const child = spawn(binary, ['-endpoint', sim.endpoint, '-username', username, '-bind', '127.0.0.1:0', ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CMON_PASSWORD: 'admin', ...env },
  });
  const log = logStderr(child.stderr, 'cmon-mcp');
  const m = await waitForLine(child.stderr, /serving MCP on http:\/\/127\.0\.0\.1:(\d+)/, child, 'cmon-mcp');
  const port = Number(m[1]);
  return { port, url: (path) => new URL(`http://127.0.0.1:${port}${path}`), stop: () => stopChild(child), child, log };
}
