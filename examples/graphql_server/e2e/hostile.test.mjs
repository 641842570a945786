// objpool-graphql under hostile input: every request here must get a 4xx status or a GraphQL
// error, the server must stay up (/healthz after each test) and the default pool must not change
// (available/allocated compared after each test). Raw sockets (node:net) where an HTTP client
// would be too polite: half requests, trickled bytes, idle connections, oversized bodies.
//   OBJPOOL_GRAPHQL_BIN=build/.../objpool-graphql node --test hostile.test.mjs
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { accessLogFile, malformedLogLines, request as sendRequest, startServer } from './server_process.mjs';

const READ_TIMEOUT_S = 1;        // --read-timeout: short, so the slow-client tests are quick
const WRITE_TIMEOUT_S = 1;       // --write-timeout: likewise
const MAX_BODY = 1024 * 1024;    // the default --max-body-bytes
const MAX_QUERY_BYTES = 100000;  // the default --max-query-bytes

let server;
let stopServer;
let port;
let baseline;
const serverLog = accessLogFile();  // checked line by line once the server has stopped

// One request on a fresh connection; resolves with { status, headers, text, json }.
function request(options) {
  return sendRequest(port, { timeoutMs: 10000, ...options });
}

function post(body, contentType = 'application/json', accept) {
  const headers = { 'Content-Type': contentType };
  if (accept) headers.Accept = accept;
  return request({ method: 'POST', headers, body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });
}

// A well-formed request whose GraphQL must fail: 200 + errors (application/json) or 400 + errors
// (graphql-response+json), never data that changed anything.
async function expectGraphqlError(payload, { media = 'json' } = {}) {
  const accept = media === 'json' ? 'application/json' : 'application/graphql-response+json';
  const response = await post(payload, 'application/json', accept);
  assert.ok(response.status === 200 || response.status === 400, `${response.status}: ${response.text.slice(0, 300)}`);
  assert.ok(response.json, `not JSON: ${response.text.slice(0, 300)}`);
  assert.ok(Array.isArray(response.json.errors) && response.json.errors.length >= 1, response.text.slice(0, 300));
  assert.equal(typeof response.json.errors[0].message, 'string');
  return response;
}

async function expect4xx(promise, status) {
  const response = await promise;
  if (status) assert.equal(response.status, status, response.text.slice(0, 300));
  else assert.ok(response.status >= 400 && response.status < 500, `${response.status}: ${response.text.slice(0, 300)}`);
  return response;
}

async function defaultPool() {
  const response = await post({ query: '{ pool { available allocated } }' });
  assert.equal(response.status, 200, response.text);
  return response.json.data.pool;
}

// Sends raw bytes, resolves with everything the server sent back until it closed the connection
// (or `waitMs` passed), plus whether and when it closed.
function raw(bytes, { waitMs = 5000, endAfterWrite = false } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    const start = Date.now();
    let settled = false;
    const finish = (closed) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed, elapsed: Date.now() - start });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => finish(true));  // a reset after the response is fine
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      const parts = Array.isArray(bytes) ? bytes : [bytes];
      for (const part of parts) socket.write(part);
      if (endAfterWrite) socket.end();
    });
  });
}

function statusOf(text) {
  const match = text.match(/^HTTP\/1\.[01] (\d{3})/);
  return match ? Number(match[1]) : undefined;
}

before(async () => {
  ({ child: server, port, stop: stopServer } = await startServer([
    '--capacity', '50', '--policy', 'FIFO', '--threads', '4', '--access-log', serverLog.path,
    '--read-timeout', String(READ_TIMEOUT_S), '--write-timeout', String(WRITE_TIMEOUT_S),
  ]));
  baseline = await defaultPool();
});

afterEach(async () => {
  assert.equal(server.exitCode, null, 'the server is still running');
  const health = await request({ path: '/healthz' });
  assert.equal(health.status, 200);
  assert.deepEqual(await defaultPool(), baseline, 'the default pool is unchanged');
});

// Every request here, the rejected ones included, left one well-formed line in the access log.
after(async () => {
  try {
    await stopServer();
    const lines = serverLog.read();
    assert.ok(lines.length > 20, `${lines.length} access log lines`);
    assert.deepEqual(malformedLogLines(lines), []);
  } finally {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    serverLog.remove();
  }
});

describe('malformed requests', () => {
  test('malformed JSON bodies get 400', async () => {
    for (const body of ['{"query": ', '{"query": "{ pools { name } }"', '{"query": "x"}}', 'null', 'true', '1e999',
      '{"query": "{ pools { name } }", "query": 1}', '\u0000', '', ' ', '{"query": "\\x"}', '{"query": "\\ud800"}']) {
      const response = await expect4xx(post(body), 400);
      assert.equal(typeof response.json?.errors?.[0]?.message, 'string', JSON.stringify(body));
    }
  });

  test('a NUL byte anywhere in the body gets 400 and changes nothing', async () => {
    const mutation = '{"query":"mutation { getObject }"}';
    for (const body of [
      `${mutation}\u0000garbage`,                              // after the JSON
      `${mutation}\u0000`,                                     // at the very end
      '{"query":"mutation { getObject }"\u0000}',              // between tokens
      '{"query":\u0000"mutation { getObject }"}',              // before a value
      '{"query":"mutation { get\u0000Object }"}',              // inside a string
      '{"query":"mutation { getObject }","variables":{"a":1\u0000}}',
      `\u0000${mutation}`,                                     // before the JSON
    ]) {
      await expect4xx(post(Buffer.from(body, 'utf8')), 400);
    }
  });

  test('missing or non-string query gets 400', async () => {
    for (const payload of [{}, { query: null }, { query: 1 }, { query: ['{ pools { name } }'] }, { variables: {} },
      { query: '{ pools { name } }', operationName: 1 }, { query: '{ pools { name } }', extensions: 'x' }]) {
      await expect4xx(post(payload), 400);
    }
    await expect4xx(request({ path: '/graphql?variables=%7B%7D' }), 400);
  });

  test('wrong or missing Content-Type gets 415', async () => {
    const body = JSON.stringify({ query: '{ pools { name } }' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
      'application/jsonx', 'application/graphql', 'json']) {
      await expect4xx(post(body, type), 415);
    }
    await expect4xx(request({ method: 'POST', body }), 415);
  });

  test('an unacceptable Accept gets 406', async () => {
    await expect4xx(post({ query: '{ pools { name } }' }, 'application/json', 'text/html'), 406);
  });

  test('malformed HTTP gets 400 and the connection is closed', async () => {
    for (const bytes of ['GARBAGE\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET /healthz HTTP/1.1\r\nHost x\r\n\r\n',
      'POST /graphql HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 'POST /graphql HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'POST /graphql HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']) {
      const { text, closed } = await raw(bytes);
      assert.equal(statusOf(text), 400, JSON.stringify(bytes) + ' -> ' + text.slice(0, 200));
      assert.ok(closed, JSON.stringify(bytes));
    }
  });

  test('a request head larger than the limit gets 431', async () => {
    const { text } = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
    assert.equal(statusOf(text), 431);
  });
});

describe('sizes', () => {
  test('a 10 MB body gets 413 (Content-Length and chunked)', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'x');
    let { text } = await raw([`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${big.length}\r\n\r\n`, big]);
    assert.equal(statusOf(text), 413, text.slice(0, 200));
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    const chunks = [`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`];
    for (let i = 0; i < 10; ++i) chunks.push(`${chunk.length.toString(16)}\r\n`, chunk, '\r\n');
    chunks.push('0\r\n\r\n');
    ({ text } = await raw(chunks));
    assert.equal(statusOf(text), 413, text.slice(0, 200));
  });

  test('a 10 MB body announced but never sent gets 413 at once', async () => {
    const { text, elapsed } = await raw(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${10 * 1024 * 1024}\r\n\r\n`);
    assert.equal(statusOf(text), 413, text.slice(0, 200));
    assert.ok(elapsed < READ_TIMEOUT_S * 1000, `answered after ${elapsed} ms`);
  });

  test('a 1 MB string in the query text is a request error', async () => {
    const big = 'x'.repeat(1000 * 1000);
    // The body stays under --max-body-bytes, so the GraphQL limit is what answers.
    const response = await expectGraphqlError({ query: `{ pool(name: "${big}") { name } }` });
    assert.ok(response.text.length < 10000, 'the error does not echo the string');
    await expectGraphqlError({ query: `mutation { getObject(pool: "${big.slice(0, MAX_QUERY_BYTES - 100)}") }` });
  });

  test('a 1 MB string as a variable is answered without echoing it back', async () => {
    const big = 'x'.repeat(1000 * 1000);
    let response = await post({ query: 'query($p: String!) { pool(name: $p) { name } }', variables: { p: big } });
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { data: { pool: null } });
    response = await expectGraphqlError({ query: 'mutation($p: String!) { getObject(pool: $p) }', variables: { p: big } });
    assert.equal(response.json.errors[0].extensions?.code, 'NO_SUCH_POOL');
    assert.ok(response.text.length < 10000, `the error is ${response.text.length} bytes`);
    // The engine quotes an invalid variable value in full (twice): bounded by --max-body-bytes.
    response = await expectGraphqlError({ query: 'query($id: Int!) { isAllocated(id: $id) }', variables: { id: big } });
    assert.ok(response.text.length < 3 * MAX_BODY, `the error is ${response.text.length} bytes`);
  });
});

describe('nesting', () => {
  test('10,000-deep selection sets are a request error', async () => {
    await expectGraphqlError({ query: `{ pool ${'{ name '.repeat(10000)}${'}'.repeat(10001)}` });
    await expectGraphqlError({ query: `{ ${'pool { '.repeat(10000)}${'}'.repeat(10001)}` });
    await expectGraphqlError({ query: `{ pool ${'{ name '.repeat(10000)}` });  // unterminated
  });

  test('deep list and object values in the query text are a request error', async () => {
    for (const depth of [10000, 4900]) {  // past and just under the default token limit
      await expectGraphqlError({ query: `{ isAllocated(id: ${'['.repeat(depth)}1${']'.repeat(depth)}) }` });
      await expectGraphqlError({ query: `{ isAllocated(id: ${'['.repeat(depth)}) }` });
    }
    for (const depth of [10000, 2400]) {
      await expectGraphqlError({ query: `{ isAllocated(id: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}) }` });
    }
    await expectGraphqlError({ query: `query($v: Int = ${'['.repeat(4900)}1${']'.repeat(4900)}) { isAllocated(id: $v) }` });
  });

  test('10,000-deep JSON variables are a request error', async () => {
    for (const depth of [10000, 100000]) {
      const list = `${'['.repeat(depth)}1${']'.repeat(depth)}`;
      const object = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      for (const [query, value] of [['query($id: Int!) { isAllocated(id: $id) }', list],
        ['query($id: Int!) { isAllocated(id: $id) }', object],
        ['query($p: String!) { pool(name: $p) { name } }', list],
        ['query { pools { name } }', object]]) {  // even an unused variable
        const body = `{"query": ${JSON.stringify(query)}, "variables": {"id": ${value}, "p": ${value}}}`;
        const response = await post(body);
        // 400 (nesting above 64), or 413 when 100,000 levels of objects pass --max-body-bytes.
        assert.ok(response.status === 400 || response.status === 413, `${response.status} ${response.text.slice(0, 200)}`);
        assert.ok(response.json.errors?.length >= 1, response.text.slice(0, 200));
      }
      // Deep JSON that is not even a valid request.
      await expect4xx(post(`{"query": ${'['.repeat(depth)}${']'.repeat(depth)}}`), 400);
      await expect4xx(post('['.repeat(depth)), 400);
    }
  });
});

describe('encoding', () => {
  test('invalid UTF-8 in the body JSON gets 400', async () => {
    const prefix = Buffer.from('{"query": "{ pool(name: \\"');
    const suffix = Buffer.from('\\") { name } }"}');
    for (const bad of [[0xff], [0xc3], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
      await expect4xx(post(Buffer.concat([prefix, Buffer.from(bad), suffix])), 400);
    }
    await expect4xx(post(Buffer.from([0xff, 0xfe, 0x7b, 0x7d])), 400);
  });

  test('invalid UTF-8 in the query text (GET) is a request error', async () => {
    for (const query of ['%7B%20pool(name%3A%20%22%FF%22)%20%7B%20name%20%7D%20%7D', '%FF', '%7B%20%C3%20%7D',
      '%7B%20pool%20%7B%20%ED%A0%80%20%7D%20%7D', '%7B%20pools%20%7B%20name%20%7D%20%7D%20%23%FF']) {
      const response = await request({ path: `/graphql?query=${query}` });
      assert.equal(response.status, 400, `${query}: ${response.text}`);
      assert.match(response.json.errors[0].message, /not valid UTF-8/);
    }
    // Invalid UTF-8 in the variables and operationName parameters.
    let response = await request({ path: `/graphql?query=%7B%20pools%20%7B%20name%20%7D%20%7D&variables=%7B%22a%22%3A%22%FF%22%7D` });
    assert.equal(response.status, 400);
    response = await request({ path: `/graphql?query=%7B%20pools%20%7B%20name%20%7D%20%7D&operationName=%FF` });
    assert.equal(response.status, 400);
  });

  test('a NUL byte and control characters in the query are a request error', async () => {
    await expectGraphqlError({ query: '{ pools { name } }\u0000' });
    await expectGraphqlError({ query: '{ pool(name: "a\u0001b") { name } }' });
  });
});

describe('values', () => {
  test('Int overflow in a literal is a request error', async () => {
    for (const literal of ['2147483648', '-2147483649', '99999999999999999999999', '1e10', '1.5']) {
      await expectGraphqlError({ query: `{ isAllocated(id: ${literal}) }` });
      await expectGraphqlError({ query: `mutation { freeObject(id: ${literal}) }` });
    }
  });

  test('Int overflow in a variable is a request error', async () => {
    for (const value of ['2147483648', '-2147483649', '18446744073709551616', '1e400', '-1e400', '1.5', '1e10',
      '"1"', 'true', '[1]', '{}']) {
      const body = `{"query": "mutation($id: Int!) { freeObject(id: $id) }", "variables": {"id": ${value}}}`;
      const response = await expectGraphqlError(body);
      assert.equal(response.json.data, undefined, `${value}: not executed`);
    }
  });

  test('createPool with hostile capacities is refused', async () => {
    for (const capacity of ['0', '-1', '2147483647', '2147483648']) {
      await expectGraphqlError({ query: `mutation { createPool(name: "h", capacity: ${capacity}) { name } }` });
    }
    const response = await post({ query: '{ pool(name: "h") { name } }' });
    assert.deepEqual(response.json, { data: { pool: null } });
  });
});

describe('operations', () => {
  test('unknown operationName is a request error', async () => {
    await expectGraphqlError({ query: 'query A { pools { name } }', operationName: 'B' });
    await expectGraphqlError({ query: 'query A { pools { name } } query B { pools { name } }' });  // none chosen
    await expectGraphqlError({ query: '{ pools { name } }', operationName: 'x'.repeat(100000) });
    // An empty operationName is taken as absent (like null): the only operation runs.
    const response = await post({ query: 'query A { pools { name } }', operationName: '' });
    assert.deepEqual(response.json, { data: { pools: [{ name: 'default' }] } });
  });

  test('duplicate operation names are a request error', async () => {
    await expectGraphqlError({ query: 'query A { pools { name } } query A { pool { name } }', operationName: 'A' });
    await expectGraphqlError({ query: 'mutation A { getObject } mutation A { getObject }', operationName: 'A' });
    await expectGraphqlError({ query: 'mutation A { getObject } query A { pools { name } }', operationName: 'A' });
  });

  test('an empty or blank query is a request error', async () => {
    for (const query of ['', ' ', '#', '{', '}', '{}', 'mutation', 'subscription { x }', 'fragment F on Pool { name }']) {
      await expectGraphqlError({ query });
    }
  });

  test('a failed mutation in a batch of aliases leaves the pool as it was', async () => {
    // Validation fails for the whole document, so none of the getObject fields runs.
    await expectGraphqlError({ query: `mutation { ${Array.from({ length: 50 }, (_, i) => `a${i}: getObject`).join(' ')} bad: nope }` });
  });
});

describe('slow clients', () => {
  test('half a request is answered by closing the connection after the read timeout', async () => {
    const { closed, elapsed, text } = await raw('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Content-Length: 100\r\n\r\n{"query":', { waitMs: READ_TIMEOUT_S * 1000 + 4000 });
    assert.ok(closed, 'closed');
    assert.ok(elapsed >= READ_TIMEOUT_S * 1000 - 100, `closed after ${elapsed} ms`);
    assert.ok(elapsed < READ_TIMEOUT_S * 1000 + 3000, `closed after ${elapsed} ms`);
    assert.equal(text, '', 'nothing was executed or answered');
  });

  test('a head that never ends is closed after the read timeout', async () => {
    const { closed, elapsed } = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\n', { waitMs: READ_TIMEOUT_S * 1000 + 4000 });
    assert.ok(closed && elapsed < READ_TIMEOUT_S * 1000 + 3000, `closed=${closed} after ${elapsed} ms`);
  });

  test('a client trickling one byte at a time is cut off at the read timeout', async () => {
    const result = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      const start = Date.now();
      const head = 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(1000);
      let i = 0;
      let timer;
      const done = (closed) => { clearInterval(timer); socket.destroy(); resolve({ closed, elapsed: Date.now() - start }); };
      socket.on('connect', () => {
        timer = setInterval(() => { if (i < head.length) socket.write(head[i++]); }, 50);
      });
      socket.on('close', () => done(true));
      socket.on('error', () => done(true));
      setTimeout(() => done(false), READ_TIMEOUT_S * 1000 + 4000);
    });
    assert.ok(result.closed, 'closed');
    assert.ok(result.elapsed < READ_TIMEOUT_S * 1000 + 3000, `closed after ${result.elapsed} ms`);
  });

  test('many idle and stalled connections are closed after the read timeout; others are served meanwhile', async () => {
    const count = 300;
    const sockets = await Promise.all(Array.from({ length: count }, (_, i) => new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('connect', () => {
        // A third idle, a third with half a head, a third with half a body.
        if (i % 3 === 1) socket.write('GET /healthz HTTP/1.1\r\n');
        if (i % 3 === 2) socket.write('POST /graphql HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{');
        const start = Date.now();
        const closed = new Promise((r) => socket.on('close', () => r(Date.now() - start)));
        resolve({ socket, closed });
      });
      setTimeout(() => reject(new Error('connect timed out')), 5000);
    })));
    // Meanwhile, ordinary clients are served promptly.
    for (let i = 0; i < 20; ++i) {
      const start = Date.now();
      const response = await post({ query: '{ pool { capacity } }' });
      assert.equal(response.status, 200);
      assert.ok(Date.now() - start < 500, `served in ${Date.now() - start} ms`);
    }
    const deadline = new Promise((r) => setTimeout(() => r('timeout'), READ_TIMEOUT_S * 1000 + 5000));
    const all = await Promise.race([Promise.all(sockets.map((s) => s.closed)), deadline]);
    for (const { socket } of sockets) socket.destroy();
    assert.notEqual(all, 'timeout', 'every stalled connection was closed by the server');
    assert.ok(Math.max(...all) < READ_TIMEOUT_S * 1000 + 4000, `last closed after ${Math.max(...all)} ms`);
  });

  test('a keep-alive connection idle after a response is closed after the read timeout', async () => {
    const { text, closed, elapsed } = await raw('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: READ_TIMEOUT_S * 1000 + 4000 });
    assert.equal(statusOf(text), 200);
    assert.ok(closed && elapsed < READ_TIMEOUT_S * 1000 + 3000, `closed=${closed} after ${elapsed} ms`);
  });

  test('a client that sends requests but never reads responses does not stall others', async () => {
    const pipelined = 'GET /schema.graphql HTTP/1.1\r\nHost: x\r\n\r\n';
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((r) => socket.on('connect', r));
    socket.pause();
    for (let i = 0; i < 2000; ++i) socket.write(pipelined);
    for (let i = 0; i < 10; ++i) {
      const response = await request({ path: '/healthz' });
      assert.equal(response.status, 200);
    }
    socket.destroy();
  });

  test('a client that stops reading is cut off after the write timeout', async () => {
    const requests = 40000;  // 64 MiB of responses: more than loopback's socket buffers hold
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((r) => socket.on('connect', r));
    socket.pause();
    socket.write('GET /schema.graphql HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(requests));
    await new Promise((r) => setTimeout(r, WRITE_TIMEOUT_S * 1000 + 1500));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => { received += chunk; });
    const closed = await new Promise((resolve) => {
      socket.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 10000);
      socket.resume();
    });
    socket.destroy();
    const responses = (received.match(/HTTP\/1\.1 200 OK\r\n/g) || []).length;
    assert.ok(closed, 'the server closed the connection');
    assert.ok(responses > 0 && responses < requests, `${responses} of ${requests} responses before the cut`);
  });
});
