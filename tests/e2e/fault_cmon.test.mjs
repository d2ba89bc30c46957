// Fault injection: the real cmon-mcp daemon serving several concurrent SDK clients (Streamable HTTP and
// legacy SSE) while the CMON simulator misbehaves through its fault controls. Every test checks that
// each call got an answer (a result or an actionable tool error, never silence or a protocol error),
// that service recovers, and that the daemon's descriptors, memory, MCP sessions and CMON sessions
// return to their baseline.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, startDaemon } from './daemon_helpers.mjs';
import {
  SECRETS,
  sleep,
  connectMany,
  disconnect,
  callSeries,
  load,
  assertAllAnswered,
  procStats,
  assertBackToBaseline,
  textOf,
  closeAll,
} from './fault_helpers.mjs';

const CLIENTS = 6;
const MAX_SESSIONS = 12;
let sim;

before(async () => {
  sim = await startSim(['--user', `${SECRETS.user}:${SECRETS.password}`]);
});
after(async () => {
  await sim?.stop();
});
// Clients a failed test left connected would keep the process alive.
afterEach(closeAll);

async function daemonWith(extraArgs = [], password = SECRETS.password) {
  return startDaemon(
    sim,
    ['-max-sessions', String(MAX_SESSIONS), '-rate-limit', '0', ...extraArgs],
    { MCP_AUTH_TOKEN: SECRETS.token, CMON_PASSWORD: password },
    SECRETS.user,
  );
}

const readyz = async (daemon) => (await fetch(daemon.url('/readyz'))).status;

// A daemon warmed up by one round of calls, and its resource baseline (the CMON sessions the simulator
// held before it started included: a stopped daemon's session stays until CMON expires it).
async function warmDaemon(extraArgs) {
  const cmonSessions = (await sim.state()).sessions;
  const daemon = await daemonWith(extraArgs);
  const clients = await connectMany(daemon, CLIENTS);
  assertAllAnswered(await load(clients, 3), CLIENTS * 3);
  await Promise.all(clients.map(disconnect));
  await sleep(200);
  return { daemon, base: { ...procStats(daemon.child.pid), cmonSessions } };
}

// The daemon holds one CMON session at most, whatever happened.
async function assertOneCmonSession(base) {
  const state = await sim.state();
  assert.ok(state.sessions <= base.cmonSessions + 1, `CMON sessions held: ${state.sessions}, ${base.cmonSessions} before`);
}

// The end of every test: clients disconnected, resources and sessions back to the baseline.
async function finish(daemon, clients, base) {
  await Promise.all(clients.map(disconnect));
  await assertBackToBaseline(daemon, base, MAX_SESSIONS);
  await assertOneCmonSession(base);
}

// Once the fault is gone, calls succeed again within a bounded time (first call retried).
async function assertRecovers(client) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const [o] = await callSeries(client, 1);
    if (o.ok) return;
    assert.ok(Date.now() < deadline, `calls succeed again once CMON is fine: ${o.error ?? o.thrown}`);
    await sleep(250);
  }
}

test('CMON down at start: the daemon starts, is not ready, answers with an actionable error, and recovers', async () => {
  const cmonSessions = (await sim.state()).sessions;
  await sim.fault({ mode: 'down' });
  let daemon;
  try {
    daemon = await daemonWith();
    assert.equal(await readyz(daemon), 503, '/readyz says not ready while CMON is down');
    const base = { ...procStats(daemon.child.pid), cmonSessions };
    const clients = await connectMany(daemon, CLIENTS);
    const outcomes = await load(clients, 4);
    assertAllAnswered(outcomes, CLIENTS * 4);
    for (const o of outcomes) {
      assert.ok(o.error, 'no call can succeed while CMON is down');
      assert.match(o.error, /unreachable at https:\/\/127\.0\.0\.1:\d+.*check CMON_ENDPOINT/);
    }
    assert.equal(await readyz(daemon), 503);

    await sim.fault({ mode: 'none' });
    // Recovery without a restart: within a few seconds every client's calls succeed again.
    await assertRecovers(clients[0]);
    const after = await load(clients, 3);
    assertAllAnswered(after, CLIENTS * 3);
    assert.deepEqual(after.filter((o) => !o.ok), []);
    assert.equal(await readyz(daemon), 200, '/readyz says ready once CMON answered');
    await Promise.all(clients.map(disconnect));
    await assertBackToBaseline(daemon, { ...base, rssKb: procStats(daemon.child.pid).rssKb }, MAX_SESSIONS);
    await assertOneCmonSession(base);
  } finally {
    await sim.fault({ mode: 'none' });
    await daemon?.stop();
  }
});

test('CMON goes away mid-load (listener closed, connections dropped, sessions lost) and comes back', async () => {
  const { daemon, base } = await warmDaemon();
  try {
    const clients = await connectMany(daemon, CLIENTS);
    const running = load(clients, 12);
    await sleep(300);
    await sim.fault({ mode: 'down' });
    await sim.expireSessions();
    await sleep(1000);
    await sim.fault({ mode: 'none' });
    const outcomes = await running;
    assertAllAnswered(outcomes, CLIENTS * 12);
    for (const o of outcomes.filter((x) => x.error)) assert.match(o.error, /unreachable|CMON/);
    // After the restart every client works again, through one new CMON session.
    await assertRecovers(clients[0]);
    const after = await load(clients, 2);
    assert.deepEqual(after.filter((o) => !o.ok), [], 'every call succeeds after CMON is back');
    await finish(daemon, clients, base);
  } finally {
    await sim.fault({ mode: 'none' });
    await daemon.stop();
  }
});

test('CMON slower than the call timeout: calls end with a timeout error, nothing piles up', async () => {
  const { daemon, base } = await warmDaemon(['-cmon-timeout', '3']);
  try {
    const clients = await connectMany(daemon, CLIENTS);
    await sim.fault({ mode: 'delay', delay_ms: 8000, operation: 'getClusterInfo' });
    const started = Date.now();
    const outcomes = await load(clients, 2);
    assertAllAnswered(outcomes, CLIENTS * 2);
    for (const o of outcomes) {
      assert.ok(o.error, 'a call past its timeout fails');
      assert.match(o.error, /timed out|timeout/i);
      assert.match(o.error, /longer timeout|overloaded/);
    }
    // Two calls in a row per client, each cut at about 3 s (not at the 8 s delay).
    assert.ok(Date.now() - started < 2 * 8000, `calls were cut at the timeout (${Date.now() - started} ms)`);
    await sim.fault({ mode: 'none' });
    await assertRecovers(clients[0]);
    const after = await load(clients, 2);
    assert.deepEqual(after.filter((o) => !o.ok), []);
    await Promise.all(clients.map(disconnect));
    // The abandoned CMON connections are closed, not kept.
    await sleep(8000);
    await assertBackToBaseline(daemon, base, MAX_SESSIONS);
    await assertOneCmonSession(base);
  } finally {
    await sim.fault({ mode: 'none' });
    await daemon.stop();
  }
});

for (const [mode, pattern] of [
  ['malformed', /unusable reply|not JSON|parse/i],
  ['html500', /unusable reply.*HTTP 500|HTTP 500/],
  ['wrong_status', /SimulatedUnknownStatus|unknown status/i],
  ['drop', /unreachable|connection|unusable|closed/i],
]) {
  test(`CMON replies broken (${mode}): actionable errors, then recovery`, async () => {
    const { daemon, base } = await warmDaemon();
    try {
      const clients = await connectMany(daemon, CLIENTS);
      await sim.fault({ mode, operation: 'getClusterInfo' });
      const outcomes = await load(clients, 3);
      assertAllAnswered(outcomes, CLIENTS * 3);
      for (const o of outcomes) {
        assert.ok(o.error, `${mode}: no call can succeed`);
        assert.match(o.error, pattern);
        assert.doesNotMatch(o.error, /<html|<body/i, 'no raw HTML page passed on to the model');
      }
      await sim.fault({ mode: 'none' });
      await assertRecovers(clients[0]);
      const after = await load(clients, 2);
      assert.deepEqual(after.filter((o) => !o.ok), []);
      await finish(daemon, clients, base);
    } finally {
      await sim.fault({ mode: 'none' });
      await daemon.stop();
    }
  });
}

test('CMON session expiry between calls: one transparent re-login for many concurrent calls', async () => {
  const { daemon, base } = await warmDaemon();
  try {
    const clients = await connectMany(daemon, CLIENTS);
    for (let round = 0; round < 3; round++) {
      await sim.expireSessions();
      await sim.resetStats();
      // Every client sends two calls at once, all finding the session gone.
      const outcomes = (
        await Promise.all(clients.flatMap((c) => [callSeries(c, 1), callSeries(c, 1, 'list_alarms', {})]))
      ).flat();
      assertAllAnswered(outcomes, CLIENTS * 2);
      assert.deepEqual(outcomes.filter((o) => !o.ok), [], 'the expiry is invisible to clients');
      const stats = await sim.stats();
      assert.equal(stats.logins, 1, `exactly one login for ${CLIENTS * 2} concurrent calls (round ${round})`);
      assert.equal(stats.failed_logins, 0);
    }
    await finish(daemon, clients, base);
  } finally {
    await daemon.stop();
  }
});

test('wrong CMON password: a clear error for every call and no retry storm (backoff)', async () => {
  await sim.resetStats();
  const daemon = await daemonWith([], SECRETS.wrongPassword);
  try {
    const base = procStats(daemon.child.pid);
    const clients = await connectMany(daemon, CLIENTS);
    const started = Date.now();
    const outcomes = await load(clients, 6);
    const elapsed = Date.now() - started;
    assertAllAnswered(outcomes, CLIENTS * 6);
    for (const o of outcomes) {
      assert.ok(o.error);
      assert.match(o.error, new RegExp(`rejected the login of user '${SECRETS.user}'.*check CMON_USERNAME/CMON_PASSWORD`));
      assert.ok(!o.error.includes(SECRETS.wrongPassword), 'the password is never echoed');
    }
    const stats = await sim.stats();
    // The first rejection starts a 2 s backoff that doubles: a handful of attempts at most, however
    // many calls arrive.
    const bound = 1 + Math.ceil(Math.log2(1 + elapsed / 2000));
    assert.ok(stats.failed_logins >= 1 && stats.failed_logins <= bound,
      `${stats.failed_logins} login attempts for ${CLIENTS * 6} calls in ${elapsed} ms (bound ${bound})`);
    assert.equal(await readyz(daemon), 503);
    await Promise.all(clients.map(disconnect));
    await assertBackToBaseline(daemon, base, MAX_SESSIONS);
    const after = textOf(await (async () => {
      const [c] = await connectMany(daemon, 1);
      const r = await c.client.callTool({ name: 'get_cluster', arguments: { cluster_id: 1 } });
      await disconnect(c);
      return r;
    })());
    assert.match(after, /check CMON_USERNAME\/CMON_PASSWORD/);
  } finally {
    await daemon.stop();
  }
});
