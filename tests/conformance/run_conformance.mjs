// Starts cmon-mcp-conformance-server on an ephemeral loopback port, runs the pinned conformance suite
// (`conformance server --url ...`) against /mcp and fails unless every scenario passes.
// Usage: node run_conformance.mjs <server-binary> [active|pending|all]   (cwd: tests/e2e)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const [server, suite = 'active'] = process.argv.slice(2);
if (!server) {
  console.error('usage: run_conformance.mjs <server-binary> [active|pending|all]');
  process.exit(2);
}

const child = spawn(server, [], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  const rl = createInterface({ input: child.stdout });
  rl.on('line', (line) => {
    const m = /^PORT=(\d+)$/.exec(line.trim());
    if (m) resolve(Number(m[1]));
  });
  child.on('exit', (code) => reject(new Error(`server exited early (${code})`)));
  setTimeout(() => reject(new Error('server did not report its port')), 15000);
});

let output = '';
let code;
try {
  const args = ['--no-install', 'conformance', 'server', '--url', `http://127.0.0.1:${port}/mcp`];
  if (suite !== 'active') args.push('--suite', suite);
  const run = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  run.stdout.on('data', (d) => { output += d; process.stdout.write(d); });
  run.stderr.on('data', (d) => process.stderr.write(d));
  [code] = await once(run, 'exit');
} finally {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

const total = /Total:\s*(\d+)\s*passed,\s*(\d+)\s*failed/.exec(output);
const scenarios = [...output.matchAll(/^\s*([✓✗])\s+([\w-]+):/gmu)];
const failedScenarios = scenarios.filter((s) => s[1] !== '✓').map((s) => s[2]);
console.log(`\nconformance (${suite}): ${scenarios.length - failedScenarios.length}/${scenarios.length} scenarios, ` +
            (total ? `${total[1]} checks passed, ${total[2]} failed` : 'no summary'));
if (failedScenarios.length) console.log(`failed scenarios: ${failedScenarios.join(', ')}`);
process.exit(code === 0 && total && Number(total[2]) === 0 && scenarios.length > 0 ? 0 : 1);
