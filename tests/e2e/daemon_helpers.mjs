// Starts the CMON simulator and the real cmon-mcp binary for end-to-end tests, on ephemeral loopback
// ports, and stops both by PID.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
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

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

export async function startSim(args = []) {
  const binary = process.env.CMON_SIM;
  assert.ok(binary, 'CMON_SIM must name the cmon-sim binary');
  const child = spawn(binary, ['--bind', '127.0.0.1:0', '--job-speed', '20', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
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
    stop: () => stopChild(child),
  };
}

// cmon-mcp serving HTTP on 127.0.0.1:0; resolves once it logged its port.
export async function startDaemon(sim, extraArgs = [], env = {}) {
  const binary = process.env.CMON_MCP;
  assert.ok(binary, 'CMON_MCP must name the cmon-mcp binary');
  const child = spawn(binary, ['-endpoint', sim.endpoint, '-username', 'admin', '-bind', '127.0.0.1:0', ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CMON_PASSWORD: 'admin', ...env },
  });
  const m = await waitForLine(child.stderr, /serving MCP on http:\/\/127\.0\.0\.1:(\d+)/, child, 'cmon-mcp');
  child.stderr.resume();
  const port = Number(m[1]);
  return { port, url: (path) => new URL(`http://127.0.0.1:${port}${path}`), stop: () => stopChild(child), child };
}
