// objpool-graphql over its stores: leases on every store; the durable ones (--store sqlite:PATH
// and --store redis://HOST:PORT) across crashes, with several servers sharing them.
// Every test starts what it needs (servers on free ports; a redis-server of its own, AOF fsynced
// on every change, in a temporary directory) and kills it with SIGKILL where a crash is the point.
//   OBJPOOL_GRAPHQL_BIN=build/.../objpool-graphql OBJPOOL_REDIS_SERVER=/usr/bin/redis-server \
//     node --test store.test.mjs
// Without OBJPOOL_TEST_SQLITE=1 (the SQLite store is built) or OBJPOOL_REDIS_SERVER (the Redis
// store is built and redis-server installed) that part is skipped.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, request, startServer } from './server_process.mjs';

const redisBinary = process.env.OBJPOOL_REDIS_SERVER;
const sqliteBuilt = process.env.OBJPOOL_TEST_SQLITE === '1';

const workDir = mkdtempSync(join(tmpdir(), 'objpool-graphql-store-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

async function gql(port, query, variables) {
  const response = await request(port, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, variables }),
  });
  assert.equal(response.status, 200, response.text);
  return response.json;
}

async function getObject(port, pool = 'default') {
  const result = await gql(port, 'mutation($pool: String!) { getObject(pool: $pool) }', { pool });
  assert.equal(result.errors, undefined, JSON.stringify(result));
  return result.data.getObject;
}

function codeOf(result) {
  assert.ok(result.errors?.length >= 1, JSON.stringify(result));
  return result.errors[0].extensions?.code;
}

// Kills a server as a crash would: no graceful shutdown.
async function killHard(server) {
  server.child.kill('SIGKILL');
  await server.exited;
}

// `count` concurrent getObject calls spread over `ports`; resolves with the ids, all non-null.
async function concurrentGets(ports, count, pool = 'default') {
  const ids = await Promise.all(Array.from({ length: count }, (_, i) => getObject(ports[i % ports.length], pool)));
  for (const id of ids) assert.equal(typeof id, 'number');
  return ids;
}

function assertNoDuplicates(ids) {
  assert.equal(new Set(ids).size, ids.length, `an id was handed out twice: ${ids.sort((a, b) => a - b)}`);
}

// Clients (4 a server) take ids from every server in `servers` until `total` gets have been
// acknowledged, while `victim` is killed with SIGKILL once a third of them have: its clients stop
// at their first failure. Resolves with { ledger: every acknowledged id, lost: gets sent to the
// victim that got no answer (each may have taken an id that is now leaked, never one handed out
// twice) }.
async function getsWhileKillingOne(servers, victim, total) {
  const ledger = [];
  let lost = 0;
  let killed = false;
  const client = async (server) => {
    while (ledger.length < total) {
      let id;
      try {
        id = await getObject(server.port);
      } catch (error) {
        assert.equal(server, victim, `a get from a surviving server failed: ${error}`);
        lost += 1;
        return;
      }
      ledger.push(id);
      if (!killed && ledger.length >= total / 3) {
        killed = true;
        victim.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(servers.flatMap((server) => Array.from({ length: 4 }, () => client(server))));
  await victim.exited;
  return { ledger, lost };
}

async function waitFor(condition, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const LEASE_FIELDS = 'id token expiresAt';

// Leases through GraphQL on a fresh pool `pool` of 2 ids: acquire, renew, release, STALE_LEASE
// for a wrong, malformed, released or expired token (changing nothing), BAD_TTL, exhaustion,
// increasing tokens, and a leased id that freeObject refuses.
async function checkLeases(port, pool) {
  const call = (query, variables = {}) => gql(port, query, { pool, ...variables });
  const created = await call('mutation($pool: String!) { createPool(name: $pool, capacity: 2) { name } }');
  assert.equal(created.errors, undefined, JSON.stringify(created));
  const acquire = (ttlSeconds) => call(
    `mutation($pool: String!, $ttl: Int!) { acquireLease(pool: $pool, ttlSeconds: $ttl) { ${LEASE_FIELDS} } }`,
    { ttl: ttlSeconds });
  const renew = (id, token, ttlSeconds) => call(
    `mutation($pool: String!, $id: Int!, $token: String!, $ttl: Int!) {
       renewLease(pool: $pool, id: $id, token: $token, ttlSeconds: $ttl) { ${LEASE_FIELDS} } }`,
    { id, token, ttl: ttlSeconds });
  const release = (id, token) => call(
    'mutation($pool: String!, $id: Int!, $token: String!) { releaseLease(pool: $pool, id: $id, token: $token) }',
    { id, token });
  const allocated = async () => (await call('query($pool: String!) { pool(name: $pool) { allocated } }')).data.pool.allocated;

  const before = Date.now();
  const first = (await acquire(60)).data.acquireLease;
  assert.equal(first.id, 1);
  assert.match(first.token, /^[1-9][0-9]*$/);
  assert.match(first.expiresAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  const expires = Date.parse(first.expiresAt);
  assert.ok(expires >= before + 59000 && expires <= Date.now() + 61000, first.expiresAt);
  assert.equal(codeOf(await call('mutation($pool: String!) { freeObject(pool: $pool, id: 1) }')), 'NOT_ALLOCATED');

  for (const token of [String(BigInt(first.token) + 1n), 'not-a-token', '', '-1', '99999999999999999999999']) {
    assert.equal(codeOf(await renew(1, token, 60)), 'STALE_LEASE', token);
    assert.equal(codeOf(await release(1, token)), 'STALE_LEASE', token);
  }
  assert.equal(codeOf(await renew(2, first.token, 60)), 'STALE_LEASE');  // not leased at all
  assert.equal(codeOf(await acquire(0)), 'BAD_TTL');
  assert.equal(codeOf(await acquire(86401)), 'BAD_TTL');
  assert.equal(codeOf(await renew(1, first.token, -1)), 'BAD_TTL');
  assert.equal(await allocated(), 1);

  const renewed = (await renew(1, first.token, 120)).data.renewLease;
  assert.equal(renewed.id, 1);
  assert.equal(renewed.token, first.token);
  assert.ok(Date.parse(renewed.expiresAt) > expires, renewed.expiresAt);

  const second = (await acquire(1)).data.acquireLease;
  assert.equal(second.id, 2);
  assert.ok(BigInt(second.token) > BigInt(first.token), `${second.token} after ${first.token}`);
  assert.equal((await acquire(60)).data.acquireLease, null);  // exhausted

  assert.deepEqual((await release(1, first.token)).data, { releaseLease: true });
  assert.equal(codeOf(await release(1, first.token)), 'STALE_LEASE');  // released already
  // The second lease expires by the store's clock and its id comes back.
  await new Promise((resolve) => setTimeout(resolve, 1200));
  assert.equal(codeOf(await renew(2, second.token, 60)), 'STALE_LEASE');
  assert.equal(await allocated(), 0);
  const third = (await acquire(60)).data.acquireLease;
  assert.ok(BigInt(third.token) > BigInt(second.token));
}

test('a store that cannot be opened: the server exits with 1, never serving from memory', async () => {
  for (const store of ['bogus', 'redis://127.0.0.1:1', `sqlite:${join(workDir, 'missing', 'pools.db')}`]) {
    await assert.rejects(startServer(['--store', store]), /exited early with 1/, store);
  }
});

test('leases on the memory store', async () => {
  const server = await startServer(['--threads', '4']);
  try {
    await checkLeases(server.port, 'leases');
  } finally {
    await server.stop();
  }
});

describe('sqlite store', { skip: !sqliteBuilt && 'the SQLite store is not built' }, () => {
  const file = join(workDir, 'pools.db');
  const args = ['--store', `sqlite:${file}`, '--capacity', '1000', '--threads', '4'];

  test('get and free; kill -9 of the server loses no answered get', async () => {
    let server = await startServer(args);
    try {
      assert.equal((await request(server.port, { path: '/readyz' })).status, 200);
      assert.deepEqual([await getObject(server.port), await getObject(server.port), await getObject(server.port)], [1, 2, 3]);
      assert.deepEqual((await gql(server.port, 'mutation { freeObject(id: 2) }')).data, { freeObject: true });
      assert.equal(codeOf(await gql(server.port, 'mutation { freeObject(id: 2) }')), 'NOT_ALLOCATED');
      await killHard(server);
      // A restart finds the pool as it was (and keeps it, whatever --capacity says now).
      server = await startServer([...args.slice(0, 2), '--capacity', '5']);
      const state = await gql(server.port, '{ one: isAllocated(id: 1) two: isAllocated(id: 2) three: isAllocated(id: 3) pool { capacity allocated } }');
      assert.deepEqual(state.data, { one: true, two: false, three: true, pool: { capacity: 1000, allocated: 2 } });
      assert.equal(await getObject(server.port), 4);  // FIFO: never-used ids first
    } finally {
      await server.stop();
    }
  });

  test('leases', async () => {
    const server = await startServer(args);
    try {
      await checkLeases(server.port, 'leases');
    } finally {
      await server.stop();
    }
  });

  test('three servers on one file, one killed with SIGKILL under load: no id out twice', async (t) => {
    const servers = [await startServer(args), await startServer(args), await startServer(args)];
    try {
      const { ledger, lost } = await getsWhileKillingOne(servers, servers[2], 300);
      ledger.push(1, 3, 4);  // out since the first test
      assertNoDuplicates(ledger);
      const { allocated } = (await gql(servers[0].port, '{ pool { allocated } }')).data.pool;
      t.diagnostic(`sqlite: ${ledger.length} gets acknowledged, ${lost} unanswered, ${allocated} ids out`);
      assert.ok(allocated >= ledger.length && allocated <= ledger.length + lost, `${allocated} out, ${ledger.length} acknowledged, ${lost} lost`);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });
});

// A redis-server on `port` in `dir` with the settings the store requires.
function startRedis(port, dir) {
  const child = spawn(redisBinary, [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes',
    '--appendfsync', 'always', '--save', '', '--daemonize', 'no', '--logfile', join(dir, 'redis.log'),
  ], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { child, exited };
}

// Whether a redis-server answers PING on `port`.
function redisAnswers(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1000, () => { socket.destroy(); resolve(false); });
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) { socket.destroy(); resolve(reply.startsWith('+PONG')); }
    });
  });
}

describe('redis store', { skip: !redisBinary && 'the Redis store or redis-server is missing' }, () => {
  test('replicas share the pools; a replica killed under load; Redis killed: UNAVAILABLE and not ready; restarted: works again', async (t) => {
    const redisPort = await freePort();
    const redisDir = mkdtempSync(join(workDir, 'redis-'));
    let redis = startRedis(redisPort, redisDir);
    const servers = [];
    try {
      await waitFor(() => redisAnswers(redisPort), 'redis-server to start');
      const args = ['--store', `redis://127.0.0.1:${redisPort}`, '--capacity', '1000', '--threads', '4'];
      servers.push(await startServer(args), await startServer(args), await startServer(args));
      const killed = await getsWhileKillingOne(servers, servers[2], 300);
      servers.pop();  // the victim
      assertNoDuplicates(killed.ledger);
      const { allocated } = (await gql(servers[0].port, '{ pool { allocated } }')).data.pool;
      t.diagnostic(`redis: ${killed.ledger.length} gets acknowledged, ${killed.lost} unanswered, ${allocated} ids out`);
      assert.ok(allocated >= killed.ledger.length && allocated <= killed.ledger.length + killed.lost);
      for (const id of killed.ledger) {
        assert.deepEqual((await gql(servers[id % 2].port, `mutation { freeObject(id: ${id}) }`)).data, { freeObject: true });
      }
      const leaked = allocated - killed.ledger.length;
      const ports = servers.map((s) => s.port);
      for (const port of ports) assert.equal((await request(port, { path: '/readyz' })).status, 200);
      await checkLeases(ports[0], 'leases');

      const ledger = await concurrentGets(ports, 200);
      assertNoDuplicates(ledger);

      redis.child.kill('SIGKILL');
      await redis.exited;
      for (const port of ports) {
        assert.equal(codeOf(await gql(port, 'mutation { getObject }')), 'UNAVAILABLE');
        const ready = await request(port, { path: '/readyz' });
        assert.equal(ready.status, 503);
        assert.match(ready.text, /store unavailable/);
        assert.equal((await request(port, { path: '/healthz' })).status, 200);
      }

      redis = startRedis(redisPort, redisDir);
      for (const port of ports) {
        await waitFor(async () => (await request(port, { path: '/readyz' })).status === 200, 'ready again');
      }
      // The AOF kept every answered get: the ids handed out now are new ones.
      ledger.push(...await concurrentGets(ports, 100));
      assertNoDuplicates(ledger);
      const pool = (await gql(ports[0], '{ pool { allocated } }')).data.pool;
      assert.equal(pool.allocated, ledger.length + leaked);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      redis.child.kill('SIGKILL');
      await redis.exited;
    }
  });
});
