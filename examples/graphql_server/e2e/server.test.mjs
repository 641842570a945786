// End-to-end test of objpool-graphql: starts the binary on a free port and drives it over HTTP,
// checking the schema with graphql-js (the reference implementation).
//   OBJPOOL_GRAPHQL_BIN=build/.../objpool-graphql node --test server.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { buildClientSchema, buildSchema, getIntrospectionQuery, printSchema } from 'graphql';
import { accessLogFile, freePort, malformedLogLines, request as sendRequest, startServer } from './server_process.mjs';

const schemaFile = process.env.OBJPOOL_GRAPHQL_SCHEMA ??
  fileURLToPath(new URL('../schema.graphql', import.meta.url));
const MAX_BODY = 65536;

let server;
let port;
let exitPromise;
// Four threads and an access log, as a deployed server has: the log's lines are checked when the
// server has stopped (see 'shutdown'), and under ThreadSanitizer every request is checked for races.
const serverLog = accessLogFile();

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

// One HTTP request (keep-alive through `agent` unless `useAgent` says otherwise); resolves with
// { status, headers, text, json }.
function request({ useAgent = agent, ...options }) {
  return sendRequest(port, { agent: useAgent, ...options });
}

function post(payload, { accept, contentType = 'application/json', useAgent } = {}) {
  const headers = { 'Content-Type': contentType };
  if (accept) headers.Accept = accept;
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return request({ method: 'POST', headers, body, useAgent });
}

async function gql(query, variables, options) {
  const response = await post({ query, variables }, options);
  assert.equal(response.status, 200, response.text);
  return response.json;
}

function codeOf(result) {
  assert.ok(result.errors?.length >= 1, JSON.stringify(result));
  return result.errors[0].extensions?.code;
}

before(async () => {
  ({ child: server, port, exited: exitPromise } = await startServer([
    '--capacity', '5', '--policy', 'FIFO', '--max-capacity', '20000', '--threads', '4', '--access-log', serverLog.path,
    '--max-body-bytes', String(MAX_BODY), '--max-query-tokens', '2000', '--max-query-depth', '20',
  ]));
});

after(async () => {
  agent.destroy();
  if (server && server.exitCode === null) server.kill('SIGKILL');
  serverLog.remove();
});

describe('schema', () => {
  test('introspection gives back schema.graphql (graphql-js printSchema)', async () => {
    const result = await gql(getIntrospectionQuery({ descriptions: true }));
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const fromServer = printSchema(buildClientSchema(result.data));
    const fromFile = printSchema(buildSchema(readFileSync(schemaFile, 'utf8')));
    assert.equal(fromServer, fromFile);
  });

  test('GET /schema.graphql serves the schema file', async () => {
    const response = await request({ path: '/schema.graphql' });
    assert.equal(response.status, 200);
    assert.equal(response.text, readFileSync(schemaFile, 'utf8'));
  });
});

describe('operations', () => {
  test('the default pool exists from the start', async () => {
    const result = await gql('{ pool { name policy capacity available allocated } }');
    assert.deepEqual(result, {
      data: { pool: { name: 'default', policy: 'FIFO', capacity: 5, available: 5, allocated: 0 } },
    });
  });

  test('createPool, pool, pools, getObject, isAllocated, freeObject, deletePool', async () => {
    let result = await gql('mutation($n: String!) { createPool(name: $n, capacity: 3, policy: BITMAP) { name policy capacity available allocated } }',
      { n: 'ops' });
    assert.deepEqual(result.data.createPool, { name: 'ops', policy: 'BITMAP', capacity: 3, available: 3, allocated: 0 });

    result = await gql('mutation { a: getObject(pool: "ops") b: getObject(pool: "ops") c: getObject(pool: "ops") d: getObject(pool: "ops") }');
    assert.deepEqual(result, { data: { a: 1, b: 2, c: 3, d: null } }, 'BITMAP hands out the lowest ids; null when exhausted');

    result = await gql('{ isAllocated(id: 2, pool: "ops") out: isAllocated(id: 4, pool: "ops") neg: isAllocated(id: -1, pool: "ops") }');
    assert.deepEqual(result, { data: { isAllocated: true, out: false, neg: false } });

    result = await gql('mutation { freeObject(id: 2, pool: "ops") }');
    assert.deepEqual(result, { data: { freeObject: true } });
    result = await gql('{ isAllocated(id: 2, pool: "ops") pool(name: "ops") { available allocated } }');
    assert.deepEqual(result, { data: { isAllocated: false, pool: { available: 1, allocated: 2 } } });

    result = await gql('{ pools { name } }');
    assert.deepEqual(result.data.pools.map((p) => p.name), ['default', 'ops']);

    result = await gql('mutation { deletePool(name: "ops") }');
    assert.deepEqual(result, { data: { deletePool: true } });
    result = await gql('{ pool(name: "ops") { name } }');
    assert.deepEqual(result, { data: { pool: null } });
  });

  test('policies: LIFO gives back the id freed last', async () => {
    await gql('mutation { createPool(name: "lifo", capacity: 4, policy: LIFO) { name } }');
    const a = (await gql('mutation { getObject(pool: "lifo") }')).data.getObject;
    await gql('mutation { getObject(pool: "lifo") }');
    await gql(`mutation { freeObject(id: ${a}, pool: "lifo") }`);
    assert.equal((await gql('mutation { getObject(pool: "lifo") }')).data.getObject, a);
    await gql('mutation { deletePool(name: "lifo") }');
  });

  test('operationName selects the operation', async () => {
    const document = 'query A { pool { name } } query B { pools { capacity } }';
    const result = (await post({ query: document, operationName: 'B' })).json;
    assert.deepEqual(result, { data: { pools: [{ capacity: 5 }] } });
  });
});

describe('errors', () => {
  test('every error code', async () => {
    assert.equal(codeOf(await gql('mutation { freeObject(id: 1) }')), 'NOT_ALLOCATED');
    assert.equal(codeOf(await gql('mutation { freeObject(id: 999) }')), 'NOT_ALLOCATED');
    assert.equal(codeOf(await gql('mutation { freeObject(id: 0) }')), 'NOT_ALLOCATED');
    assert.equal(codeOf(await gql('mutation { getObject(pool: "missing") }')), 'NO_SUCH_POOL');
    assert.equal(codeOf(await gql('mutation { freeObject(id: 1, pool: "missing") }')), 'NO_SUCH_POOL');
    assert.equal(codeOf(await gql('mutation { deletePool(name: "missing") }')), 'NO_SUCH_POOL');
    assert.equal(codeOf(await gql('{ isAllocated(id: 1, pool: "missing") }')), 'NO_SUCH_POOL');
    assert.equal(codeOf(await gql('mutation { createPool(name: "default", capacity: 1) { name } }')), 'POOL_EXISTS');
    assert.equal(codeOf(await gql('mutation { createPool(name: "x", capacity: 0) { name } }')), 'BAD_CAPACITY');
    assert.equal(codeOf(await gql('mutation { createPool(name: "x", capacity: -3) { name } }')), 'BAD_CAPACITY');
    assert.equal(codeOf(await gql('mutation { createPool(name: "x", capacity: 20001) { name } }')), 'BAD_CAPACITY');
  });

  test('a field error has message, locations, path and data', async () => {
    const result = await gql('mutation {\n  freeObject(id: 4)\n}');
    assert.deepEqual(result.data, null, 'freeObject is non-null, so data becomes null');
    const [error] = result.errors;
    assert.equal(typeof error.message, 'string');
    assert.deepEqual(error.path, ['freeObject']);
    assert.deepEqual(error.locations, [{ line: 2, column: 3 }]);
    assert.equal(error.extensions.code, 'NOT_ALLOCATED');
  });

  test('syntax error: 200 with application/json, 400 with graphql-response+json', async () => {
    let response = await post({ query: '{ pool { name }' });
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'], /^application\/json/);
    assert.equal(response.json.data, undefined);
    assert.ok(response.json.errors[0].locations?.length >= 1, response.text);
    response = await post({ query: '{ pool { name }' }, { accept: 'application/graphql-response+json' });
    assert.equal(response.status, 400);
    assert.match(response.headers['content-type'], /^application\/graphql-response\+json/);
    assert.ok(response.json.errors.length >= 1);
  });

  test('validation errors', async () => {
    for (const query of ['{ nope }', '{ pool { nope } }', '{ isAllocated }', '{ isAllocated(id: "x") }',
      '{ pool }', 'mutation { createPool(name: "y", capacity: 1, policy: RANDOM) { name } }',
      'query($id: Int!) { isAllocated(id: $id) }']) {
      const response = await post({ query }, { accept: 'application/graphql-response+json' });
      assert.equal(response.status, 400, `${query}: ${response.text}`);
      assert.ok(response.json.errors.length >= 1, query);
      assert.equal(response.json.data, undefined, query);
      const plain = await post({ query });
      assert.equal(plain.status, 200, query);
    }
  });

  test('a bad variable value is a request error', async () => {
    const response = await post({ query: 'query($id: Int!) { isAllocated(id: $id) }', variables: { id: 'one' } },
      { accept: 'application/graphql-response+json' });
    assert.equal(response.status, 400);
    assert.equal(response.json.data, undefined);
  });

  test('limits: too many tokens or too deep is an error, not a crash', async () => {
    const many = `{ ${'pool { name } '.repeat(600)}}`;
    let result = await gql(many);
    assert.ok(result.errors?.length >= 1);
    const deep = `{ pool ${'{ name '.repeat(40)}${'}'.repeat(41)}`;
    result = await gql(deep);
    assert.ok(result.errors?.length >= 1);
    assert.equal((await request({ path: '/healthz' })).status, 200);
  });
});

describe('HTTP', () => {
  test('GET runs queries', async () => {
    const query = encodeURIComponent('query($p: String!) { pool(name: $p) { capacity } }');
    const variables = encodeURIComponent(JSON.stringify({ p: 'default' }));
    const response = await request({ path: `/graphql?query=${query}&variables=${variables}` });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { data: { pool: { capacity: 5 } } });
  });

  test('GET with operationName', async () => {
    const query = encodeURIComponent('query A { pools { name } } query B { pool { policy } }');
    const response = await request({ path: `/graphql?query=${query}&operationName=B` });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { data: { pool: { policy: 'FIFO' } } });
  });

  test('GET mutation is refused with 405 and Allow: POST', async () => {
    const before = (await gql('{ pool { allocated } }')).data.pool.allocated;
    const response = await request({ path: `/graphql?query=${encodeURIComponent('mutation { getObject }')}` });
    assert.equal(response.status, 405);
    assert.equal(response.headers.allow, 'POST');
    assert.equal(typeof response.json.errors[0].message, 'string');
    assert.equal((await gql('{ pool { allocated } }')).data.pool.allocated, before, 'not executed');
  });

  test('graphql-response+json is used when accepted', async () => {
    const response = await post({ query: '{ pool { name } }' },
      { accept: 'application/graphql-response+json, application/json;q=0.9' });
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'], /^application\/graphql-response\+json/);
  });

  test('malformed requests get 400 with a GraphQL-style body', async () => {
    for (const body of ['{"query": ', '[]', '"{ pools { name } }"', '{}', '{"query": 1}',
      '{"query": "{ pools { name } }", "variables": "x"}', '{"query": "{ pools { name } }", "variables": [1]}']) {
      const response = await post(body);
      assert.equal(response.status, 400, body);
      assert.equal(typeof response.json.errors[0].message, 'string', body);
    }
    const response = await request({ path: '/graphql' });
    assert.equal(response.status, 400, 'GET without query');
  });

  test('wrong Content-Type gets 415', async () => {
    let response = await post('{"query":"{ pools { name } }"}', { contentType: 'text/plain' });
    assert.equal(response.status, 415);
    response = await post('query=x', { contentType: 'application/x-www-form-urlencoded' });
    assert.equal(response.status, 415);
  });

  test('an oversized body gets 413', async () => {
    const body = JSON.stringify({ query: '{ pools { name } }', padding: 'x'.repeat(MAX_BODY + 10) });
    const response = await post(body, { useAgent: false });
    assert.equal(response.status, 413);
    assert.equal(typeof response.json.errors[0].message, 'string');
  });

  test('unknown path 404, wrong method 405', async () => {
    assert.equal((await request({ path: '/nope' })).status, 404);
    const response = await request({ method: 'PUT', path: '/graphql', body: '' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.allow, 'GET, POST');
  });

  test('/healthz', async () => {
    const response = await request({ path: '/healthz' });
    assert.equal(response.status, 200);
    assert.equal(response.text, 'ok');
  });

  test('a chunked body, and a second request pipelined behind it, are both answered', async () => {
    const body = '{"query":"{ pool { capacity } }"}';
    const head = 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n';
    const chunked = head + 'Transfer-Encoding: chunked\r\n\r\n' +
      `5\r\n${body.slice(0, 5)}\r\n${(body.length - 5).toString(16)}\r\n${body.slice(5)}\r\n0\r\n\r\n`;
    const plain = head + `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const text = await rawExchange([chunked + plain]);
    const answers = text.split('HTTP/1.1 ').slice(1);
    assert.equal(answers.length, 2, text);
    for (const answer of answers) {
      assert.match(answer, /^200 /, text);
      assert.ok(answer.endsWith('{"data":{"pool":{"capacity":5}}}'), text);
    }
  });

  test('Expect: 100-continue gets a 100 before the client sends the body', async () => {
    const body = '{"query":"{ pool { capacity } }"}';
    const text = await rawExchange([
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n' +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body], { waitFor: 'HTTP/1.1 100 Continue\r\n\r\n' });
    assert.ok(text.startsWith('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n'), text);
    assert.ok(text.endsWith('{"data":{"pool":{"capacity":5}}}'), text);
  });
});

// Writes `parts` on a fresh connection (with `waitFor`, the parts after the first only once the
// server has sent that text) and resolves with everything the server sent until it closed.
function rawExchange(parts, { waitFor } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    let rest = parts.slice(1);
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('no answer in 10 s')); }, 10000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (waitFor && rest.length > 0 && Buffer.concat(chunks).toString('latin1').includes(waitFor)) {
        for (const part of rest) socket.write(part);
        rest = [];
      }
    });
    socket.on('error', (error) => { clearTimeout(timer); reject(error); });
    socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('latin1')); });
    socket.on('connect', () => {
      socket.write(parts[0]);
      if (!waitFor) {
        for (const part of rest) socket.write(part);
        rest = [];
      }
    });
  });
}

describe('concurrency', () => {
  test('4 clients x 2,000 getObject on a 10,000 pool never see the same id twice', async () => {
    await gql('mutation { createPool(name: "conc", capacity: 10000) { name } }');
    const client = async () => {
      const own = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const ids = [];
      for (let i = 0; i < 2000; i += 1) {
        const result = await gql('mutation { getObject(pool: "conc") }', undefined, { useAgent: own });
        ids.push(result.data.getObject);
      }
      own.destroy();
      return ids;
    };
    const all = (await Promise.all([client(), client(), client(), client()])).flat();
    assert.equal(all.length, 8000);
    assert.ok(all.every((id) => Number.isInteger(id) && id >= 1 && id <= 10000));
    assert.equal(new Set(all).size, 8000, 'an id was handed out twice');
    const result = await gql('{ pool(name: "conc") { allocated available } }');
    assert.deepEqual(result.data.pool, { allocated: 8000, available: 2000 });
  });
});

describe('metrics', () => {
  test('/metrics has pool gauges, per-field counters and the latency histogram', async () => {
    const response = await request({ path: '/metrics' });
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    const text = response.text;
    assert.match(text, /^# TYPE objpool_pool_capacity gauge$/m);
    assert.match(text, /^objpool_pool_capacity\{pool="default"\} 5$/m);
    assert.match(text, /^objpool_pool_allocated\{pool="conc"\} 8000$/m);
    assert.match(text, /^objpool_graphql_field_requests_total\{field="getObject"\} \d+$/m);
    const gets = Number(text.match(/^objpool_graphql_field_requests_total\{field="getObject"\} (\d+)$/m)[1]);
    assert.ok(gets >= 8000, `getObject counted ${gets}`);
    assert.match(text, /^objpool_graphql_field_errors_total\{field="freeObject",code="NOT_ALLOCATED"\} [1-9]\d*$/m);
    assert.match(text, /^objpool_graphql_field_errors_total\{field="createPool",code="BAD_CAPACITY"\} 3$/m);
    assert.match(text, /^# TYPE objpool_graphql_request_duration_seconds histogram$/m);
    assert.match(text, /^objpool_graphql_request_duration_seconds_bucket\{type="mutation",le="\+Inf"\} \d+$/m);
    assert.match(text, /^objpool_graphql_requests_total\{type="query"\} [1-9]\d*$/m);
    assert.match(text, /^objpool_http_responses_total\{code="413"\} 1$/m);
  });
});

describe('access log', () => {
  test('--access-log writes one line per request', async () => {
    const log = accessLogFile();
    const logServer = await startServer(['--threads', '1', '--access-log', log.path]);
    try {
      const response = await sendRequest(logServer.port, { path: '/healthz?probe=1' });
      assert.equal(response.status, 200);
      await logServer.stop();
      assert.equal((await logServer.exited).code, 0);
      assert.match(log.read().join('\n'), /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/healthz\?probe=1" 200 2 \d+$/m);
    } finally {
      if (logServer.child.exitCode === null) logServer.child.kill('SIGKILL');
      log.remove();
    }
  });

  test('with 4 threads under concurrent keep-alive load every request gets its own well-formed line', async () => {
    const log = accessLogFile();
    const logServer = await startServer(['--threads', '4', '--access-log', log.path]);
    const loadAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const expected = [];
    try {
      const requests = [];
      for (let i = 0; i < 150; ++i) {
        const kind = i % 3;
        const options = kind === 0 ? { path: `/healthz?n=${i}` }
          : kind === 1 ? { path: `/metrics?n=${i}` }
            : { method: 'POST', path: `/graphql?n=${i}`, headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify({ query: '{ pools { name } }' }) };
        expected.push(`"${options.method ?? 'GET'} ${options.path}" 200`);
        requests.push(sendRequest(logServer.port, { agent: loadAgent, ...options }));
      }
      for (const response of await Promise.all(requests)) assert.equal(response.status, 200, response.text);
      await logServer.stop();
      const lines = log.read();
      assert.deepEqual(malformedLogLines(lines), []);
      const seen = lines.map((line) => line.match(/"[A-Z]+ \S+" \d{3}/)[0]).sort();
      assert.deepEqual(seen, expected.sort());
    } finally {
      loadAgent.destroy();
      if (logServer.child.exitCode === null) logServer.child.kill('SIGKILL');
      log.remove();
    }
  });
});

describe('configuration from the environment', () => {
  // A port that was free a moment ago.
  test('OBJPOOL_PORT and OBJPOOL_HOST set where the server listens', async () => {
    const envPort = await freePort();
    const envServer = await startServer([], {
      listen: false, env: { OBJPOOL_HOST: '127.0.0.1', OBJPOOL_PORT: String(envPort), OBJPOOL_THREADS: '2' },
    });
    try {
      assert.equal(envServer.port, envPort);
      assert.match(envServer.output, /\(2 threads\)/);
      assert.equal((await sendRequest(envPort, { path: '/healthz' })).status, 200);
    } finally {
      await envServer.stop();
    }
  });

  test('a flag on the command line wins over its variable', async () => {
    const envPort = await freePort();
    const flagServer = await startServer(['--no-playground'], {
      env: { OBJPOOL_PORT: String(envPort), OBJPOOL_PLAYGROUND: 'true' },
    });
    try {
      assert.notEqual(flagServer.port, envPort);  // --port 0 chose another
      const page = await sendRequest(flagServer.port, { path: '/graphql', headers: { Accept: 'text/html' } });
      assert.notEqual(page.status, 200);  // --no-playground beat OBJPOOL_PLAYGROUND=true
    } finally {
      await flagServer.stop();
    }
  });
});

describe('shutdown', () => {
  test('SIGTERM finishes in-flight requests and exits 0', async () => {
    const inFlight = gql('{ pools { name } }');
    server.kill('SIGTERM');
    const result = await inFlight.catch((error) => ({ error }));
    // The request was either served before the signal or refused as the server stopped accepting.
    assert.ok(result.data || result.error, JSON.stringify(result));
    const { code, signal } = await exitPromise;
    assert.equal(signal, null);
    assert.equal(code, 0);
    // Every request of this file went to the 4-thread server: each left one well-formed line.
    const lines = serverLog.read();
    assert.ok(lines.length > 50, `${lines.length} access log lines`);
    assert.deepEqual(malformedLogLines(lines), []);
  });
});
