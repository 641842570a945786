// objpool-graphql with --auth-token-file: refused requests change nothing, the probes stay open,
// SIGHUP swaps the tokens (and keeps them when the new file cannot be used), and the server
// refuses to start without usable tokens. node built-ins only.
//   OBJPOOL_GRAPHQL_BIN=build/.../objpool-graphql node --test auth.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as sendRequest, startServer } from './server_process.mjs';

const FIRST = 'first-token_0123456789abcdef';
const SECOND = 'Second.Token~+/==';
const ROTATED = 'rotated-token-9876543210';
const STEADY = 'steady-token-in-every-file';  // in every file: never refused, whatever reloads

const dir = mkdtempSync(join(tmpdir(), 'objpool-graphql-auth-'));
const tokenFile = join(dir, 'tokens');

// Replaces the token file as a whole (written aside, then renamed), as a deploy tool would, so a
// reload never reads half a file.
function writeTokens(text) {
  const aside = `${tokenFile}.new`;
  writeFileSync(aside, text);
  renameSync(aside, tokenFile);
}

let server;

function request(options) {
  return sendRequest(server.port, { timeoutMs: 10000, ...options });
}

function post(query, token, scheme = 'Bearer') {
  const headers = { 'Content-Type': 'application/json' };
  if (token !== undefined) headers.Authorization = `${scheme} ${token}`;
  return request({ method: 'POST', headers, body: JSON.stringify({ query }) });
}

async function allocated(token) {
  const response = await post('{ pool { allocated } }', token);
  assert.equal(response.status, 200, response.text);
  return response.json.data.pool.allocated;
}

function assertRefused(response, challenge = 'Bearer realm="objpool"') {
  assert.equal(response.status, 401, response.text);
  assert.equal(response.headers['www-authenticate'], challenge);
  assert.ok(response.json?.errors?.[0]?.message, response.text);
  assert.equal(response.json.data, undefined);
}

const INVALID = 'Bearer realm="objpool", error="invalid_token"';

// Sends SIGHUP and waits for the server's log line about it (the reload runs on the server's
// event loop, after the signal is delivered).
async function hangUp() {
  const count = () => server.stderr().split('\n').filter((line) => line.includes('SIGHUP: ')).length;
  const before = count();
  server.child.kill('SIGHUP');
  const deadline = Date.now() + 10000;
  while (count() === before) {
    assert.ok(Date.now() < deadline, `no SIGHUP log line within 10 s: ${server.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return server.stderr().split('\n').filter((line) => line.includes('SIGHUP: ')).at(-1);
}

// Runs the binary to its exit (it must not start) and resolves with { code, stdout, stderr }.
function runToExit(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.OBJPOOL_GRAPHQL_BIN, ['--host', '127.0.0.1', '--port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`still running: ${stdout}`)); }, 20000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

before(async () => {
  writeTokens(`# objpool-graphql tokens\n${FIRST}\r\n\n  ${SECOND}  \n${STEADY}\n`);
  server = await startServer(['--auth-token-file', tokenFile, '--threads', '4', '--capacity', '5'],
    { captureStderr: true });
});

after(async () => {
  if (server) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('auth accepted and refused', () => {
  test('without a token, with another scheme or a wrong token: 401 and the pool unchanged', async () => {
    assertRefused(await post('mutation { getObject }'));
    assertRefused(await post('mutation { getObject }', FIRST, 'Basic'));
    assertRefused(await post('mutation { getObject }', 'wrong'), INVALID);
    assertRefused(await post('mutation { getObject }', FIRST.slice(0, -1)), INVALID);
    assertRefused(await post('mutation { getObject }', `${FIRST}x`), INVALID);
    assertRefused(await request({ path: `/graphql?query=${encodeURIComponent('{ pool { allocated } }')}` }));
    assert.equal(await allocated(FIRST), 0);
  });

  test('each token of the file is accepted, the scheme in any case', async () => {
    const response = await post('mutation { getObject }', FIRST);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.json, { data: { getObject: 1 } });
    assert.equal((await post('mutation { getObject }', SECOND, 'bearer')).status, 200);
    assert.equal(await allocated(SECOND), 2);
  });

  test('/healthz and /readyz are open; /metrics, /schema.graphql and the playground are not', async () => {
    assert.equal((await request({ path: '/healthz' })).status, 200);
    assert.equal((await request({ path: '/readyz' })).status, 200);
    assert.equal((await request({ path: '/healthz', headers: { Authorization: 'Bearer wrong' } })).status, 200);
    for (const path of ['/metrics', '/schema.graphql', '/nope', '/heal%74hz']) {
      assertRefused(await request({ path }));
      assertRefused(await request({ path, headers: { Authorization: 'Bearer wrong' } }), INVALID);
    }
    const page = await request({ path: '/graphql', headers: { Accept: 'text/html' } });
    assertRefused(page);
    const metrics = await request({ path: '/metrics', headers: { Authorization: `Bearer ${FIRST}` } });
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^objpool_http_responses_total\{code="401"\} \d+$/m);
    assert.match(metrics.text, /^objpool_graphql_requests_total\{type="invalid"\} 0$/m);
  });

  test('SIGHUP swaps in a rotated file; an unusable file keeps the tokens', async () => {
    // Requests on every server thread while the tokens are swapped (under ThreadSanitizer in CI):
    // STEADY is in every file, so none may be refused.
    let hammering = true;
    const hammer = async () => {
      let answered = 0;
      while (hammering) {
        const response = await post('{ pool { allocated } }', STEADY);
        assert.equal(response.status, 200, response.text);
        answered += 1;
      }
      return answered;
    };
    const hammers = [hammer(), hammer(), hammer(), hammer()];
    for (let round = 0; round < 10; round += 1) {
      writeTokens(`${round % 2 === 0 ? FIRST : ROTATED}\n${STEADY}\n`);
      assert.match(await hangUp(), new RegExp(`: loaded 2 token\\(s\\), replacing ${round === 0 ? 3 : 2}$`));
    }
    hammering = false;
    for (const answered of await Promise.all(hammers)) assert.ok(answered > 0);

    assertRefused(await post('{ pool { allocated } }', FIRST), INVALID);
    assertRefused(await post('{ pool { allocated } }', SECOND), INVALID);
    assert.equal(await allocated(ROTATED), 2);

    writeTokens('# emptied by mistake\n');
    assert.match(await hangUp(), /holds no token.*still accepting the 2 token\(s\) loaded before$/);
    assert.equal(await allocated(ROTATED), 2);
    writeTokens(`${FIRST}\nnot a token\n`);
    const malformed = await hangUp();
    assert.match(malformed, /line 2 is not a bearer token/);
    assert.ok(!malformed.includes(FIRST) && !malformed.includes('not a token'), malformed);
    rmSync(tokenFile);
    assert.match(await hangUp(), /cannot open: No such file or directory/);
    assert.equal(await allocated(ROTATED), 2);
    assertRefused(await post('{ pool { allocated } }', FIRST), INVALID);
    assert.ok(!server.stderr().includes(ROTATED), 'a token was logged');
  });

  test('the server still stops cleanly on SIGTERM', async () => {
    const stopping = server.exited;
    server.child.kill('SIGTERM');
    assert.deepEqual(await stopping, { code: 0, signal: null });
    server = undefined;
  });
});

describe('a server without usable tokens does not start', () => {
  for (const [name, contents] of [['missing', undefined], ['empty', ''], ['comments only', '# none\n\n'],
    ['malformed', 'two words\n']]) {
    test(`${name} token file: exit 2 and the reason`, async () => {
      const path = join(dir, `start-${name.replace(' ', '-')}`);
      if (contents !== undefined) writeFileSync(path, contents);
      const { code, stdout, stderr } = await runToExit(['--auth-token-file', path]);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      assert.ok(stderr.includes(`--auth-token-file ${path}: `), stderr);
    });
  }

  test('an empty OBJPOOL_AUTH_TOKEN_FILE or --auth-token-file is refused, not ignored', async () => {
    for (const [args, env] of [[[], { OBJPOOL_AUTH_TOKEN_FILE: '' }], [['--auth-token-file', ''], {}]]) {
      const { code, stderr } = await runToExit(args, env);
      assert.equal(code, 2, stderr);
      assert.match(stderr, /--auth-token-file is empty/);
    }
  });

  test('OBJPOOL_AUTH_TOKEN_FILE turns authentication on', async () => {
    const path = join(dir, 'from-env');
    writeFileSync(path, `${FIRST}\n`);
    const fromEnv = await startServer([], { env: { OBJPOOL_AUTH_TOKEN_FILE: path } });
    try {
      const headers = { 'Content-Type': 'application/json' };
      const body = JSON.stringify({ query: '{ pool { allocated } }' });
      const refused = await sendRequest(fromEnv.port, { method: 'POST', headers, body });
      assert.equal(refused.status, 401);
      const accepted = await sendRequest(fromEnv.port,
        { method: 'POST', headers: { ...headers, Authorization: `Bearer ${FIRST}` }, body });
      assert.equal(accepted.status, 200, accepted.text);
    } finally {
      await fromEnv.stop();
    }
  });
});
