// Shared by the HTTP end-to-end tests: starts cmon-mcp-conformance-server (the real engine and HTTP
// transports with the conformance fixtures) on an ephemeral loopback port and stops it by PID.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';

export async function startServer(args = []) {
  const binary = process.env.CONFORMANCE_SERVER;
  assert.ok(binary, 'CONFORMANCE_SERVER must name the cmon-mcp-conformance-server binary');
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^PORT=(\d+)$/.exec(line.trim());
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
  return {
    port,
    url: (path) => new URL(`http://127.0.0.1:${port}${path}`),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
