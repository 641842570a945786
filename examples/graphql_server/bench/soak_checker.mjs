// scripts/soak.sh's checker: runs next to wrk's churn clients on the same small pool. It takes
// ids, holds a few, and for every id it holds asserts that isAllocated is true (nobody freed it)
// and that freeObject succeeds exactly once. If the server ever handed one id to two clients, the
// other client's free would make isAllocated false or our free fail: counted as a duplicate.
//   node soak_checker.mjs <port> <pool> <seconds>
// Prints one line "SOAK checker ..." and exits 1 on any duplicate or server error.
import http from 'node:http';

const [port, pool, seconds] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4])];
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const stats = { requests: 0, gets: 0, nulls: 0, frees: 0, checks: 0, duplicates: 0, server_errors: 0, failures: 0 };

function post(query, variables) {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST', path: '/graphql', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        stats.requests += 1;
        if (res.statusCode >= 500) stats.server_errors += 1;
        try {
          resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (e) {
          reject(e);
        }
      });
    });
    req.setTimeout(10000, () => req.destroy(new Error('no response within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

function problem(what, detail) {
  if (stats.duplicates + stats.failures <= 10) console.error(`soak_checker: ${what}: ${JSON.stringify(detail)}`);
}

async function worker(deadline) {
  const held = [];
  while (Date.now() < deadline) {
    if (held.length < 4) {
      const { json } = await post(`mutation { getObject(pool: ${JSON.stringify(pool)}) }`);
      const id = json.data?.getObject;
      if (typeof id === 'number') {
        stats.gets += 1;
        held.push(id);
      } else if (id === null && !json.errors) {
        stats.nulls += 1;
      } else {
        stats.failures += 1;
        problem('getObject', json);
      }
      continue;
    }
    for (const id of held) {
      const { json } = await post('query($id: Int!, $p: String!) { isAllocated(id: $id, pool: $p) }', { id, p: pool });
      stats.checks += 1;
      if (json.data?.isAllocated !== true) {
        stats.duplicates += 1;
        problem(`id ${id} held but not allocated`, json);
      }
    }
    const id = held.shift();
    const { json } = await post('mutation($id: Int!, $p: String!) { freeObject(id: $id, pool: $p) }', { id, p: pool });
    if (json.data?.freeObject === true) {
      stats.frees += 1;
    } else {
      stats.duplicates += 1;
      problem(`freeObject(${id}) of a held id failed`, json);
    }
  }
  for (const id of held) {
    const { json } = await post('mutation($id: Int!, $p: String!) { freeObject(id: $id, pool: $p) }', { id, p: pool });
    if (json.data?.freeObject === true) stats.frees += 1;
    else { stats.duplicates += 1; problem(`final freeObject(${id}) failed`, json); }
  }
}

const deadline = Date.now() + seconds * 1000;
try {
  await Promise.all([worker(deadline), worker(deadline)]);
} catch (e) {
  stats.failures += 1;
  console.error(`soak_checker: ${e.message}`);
}
agent.destroy();
console.log(`SOAK checker ${Object.entries(stats).map(([k, v]) => `${k}=${v}`).join(' ')}`);
process.exit(stats.duplicates + stats.server_errors + stats.failures === 0 ? 0 : 1);
