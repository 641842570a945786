// Shared by the end-to-end tests (e2e/) and the playground tests (playground/browser_test/):
// start objpool-graphql on a free port, and send it one HTTP request. node built-ins only.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Starts OBJPOOL_GRAPHQL_BIN with --host 127.0.0.1 --port 0 (unless `listen` is false) and `args`,
// with `env` added to the environment, and reads the chosen port from its "listening on" line.
// Resolves with { child, port, output, exited, stop, stderr }: `exited` resolves with { code,
// signal } when the process ends, stop() sends SIGTERM (if it still runs) and waits for the end,
// stderr() returns what the server wrote to its standard error so far (with `captureStderr`;
// it is passed on to ours too; otherwise ours is the server's, and stderr() returns '').
export function startServer(args = [], { env = {}, listen = true, captureStderr = false } = {}) {
  const binary = process.env.OBJPOOL_GRAPHQL_BIN;
  if (!binary) throw new Error('set OBJPOOL_GRAPHQL_BIN to the objpool-graphql binary');
  const child = spawn(binary, [...(listen ? ['--host', '127.0.0.1', '--port', '0'] : []), ...args], {
    stdio: ['ignore', 'pipe', captureStderr ? 'pipe' : 'inherit'],
    env: { ...process.env, ...env },
  });
  let errorOutput = '';
  if (captureStderr) {
    child.stderr.on('data', (chunk) => {
      errorOutput += chunk;
      process.stderr.write(chunk);
    });
  }
  const stderr = () => errorOutput;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/listening on http:\/\/[^\s]+:(\d+)/);
      if (match) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ child, port: Number(match[1]), output, exited, stop, stderr });
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited early with ${code}: ${output}`)));
  });
}

// A TCP port free on 127.0.0.1 a moment ago (the kernel's pick).
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
}

// One HTTP request to 127.0.0.1:`port`; the path is sent exactly as given (no normalisation of
// '..' or escapes). `agent` false (the default) means a fresh connection; `timeoutMs` fails the
// request when no response arrives in time. Resolves with { status, headers, body (a Buffer),
// text, json (undefined when the body is not JSON) }.
export function request(port, { method = 'GET', path = '/graphql', headers = {}, body, agent = false, timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        const text = buffer.toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, body: buffer, text, json });
      });
    });
    if (timeoutMs !== undefined) {
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    }
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// One access log line: remote, time, "method target", status, body bytes, microseconds. The method
// and target are "-" for a request rejected before its head was complete.
export const ACCESS_LOG_LINE =
  /^127\.0\.0\.1 - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "([A-Z]+|-) (\S+)" ([1-5]\d\d) (\d+) (\d+)$/;

// A temporary file for --access-log; read() returns its lines, remove() deletes it.
export function accessLogFile() {
  const dir = mkdtempSync(join(tmpdir(), 'objpool-graphql-'));
  const path = join(dir, 'access.log');
  return {
    path,
    read: () => readFileSync(path, 'utf8').split('\n').filter((line) => line !== ''),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// The lines of `lines` that are not well formed (see ACCESS_LOG_LINE).
export function malformedLogLines(lines) {
  return lines.filter((line) => !ACCESS_LOG_LINE.test(line));
}
