// Starts a fresh objpool-graphql on a free port for the playground tests.
import { spawn } from 'node:child_process';
import http from 'node:http';

// Resolves with { child, port, stop } once the server prints its "listening on" line.
export function startServer(args = []) {
  const binary = process.env.OBJPOOL_GRAPHQL_BIN;
  if (!binary) throw new Error('set OBJPOOL_GRAPHQL_BIN to the objpool-graphql binary');
  const child = spawn(binary, ['--host', '127.0.0.1', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
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
        resolve({ child, port: Number(match[1]), output, stop });
      }
    };
    child.stdout.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited early with ${code}: ${output}`)));
  });
}

// One raw HTTP request; the path is sent exactly as given (no normalisation of '..' or escapes).
// Resolves with { status, headers, body (Buffer), text }.
export function request(port, { method = 'GET', path = '/graphql', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buffer = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: buffer, text: buffer.toString('utf8') });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
