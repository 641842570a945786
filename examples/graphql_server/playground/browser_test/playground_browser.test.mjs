// The playground in a real browser: Debian's chromium (never a downloaded one) driven by
// playwright-core. Opens GET /graphql on a fresh server, checks the docs pane shows the schema,
// runs `mutation { getObject }` with the run button, checks the result pane shows an id, and
// saves a screenshot. Every request must go to the server itself, and nothing may violate the
// page's Content-Security-Policy.
//   OBJPOOL_GRAPHQL_BIN=.../objpool-graphql node playground_browser.test.mjs
// Exits with 77 (ctest: skipped) when there is no chromium, unless OBJPOOL_REQUIRE_BROWSER=1
// (set it in CI, where chromium is installed with apt-get).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const chromiumPath = process.env.OBJPOOL_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  const message = `no chromium at ${chromiumPath} (apt-get install chromium, or set OBJPOOL_CHROMIUM)`;
  if (process.env.OBJPOOL_REQUIRE_BROWSER === '1') {
    console.error(`FAIL: ${message}, and OBJPOOL_REQUIRE_BROWSER=1`);
    process.exit(1);
  }
  console.log(`SKIP: ${message}`);
  process.exit(77);
}

const { test, after, before } = await import('node:test');
const assert = (await import('node:assert/strict')).default;
const { chromium } = await import('playwright-core');
const { request, startServer } = await import('./server.mjs');

const screenshotPath = resolve(process.env.OBJPOOL_PLAYGROUND_SCREENSHOT ?? 'graphql-playground.png');

let server;
let context;
let page;
let userDataDir;
let origin;
const foreignRequests = [];
const consoleErrors = [];

before(async () => {
  server = await startServer();
  origin = `http://127.0.0.1:${server.port}`;
  userDataDir = mkdtempSync(join(tmpdir(), 'objpool-playground-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1280, height: 760 },
    colorScheme: 'light',
    timeout: 60_000,
  });
  page = context.pages()[0] ?? await context.newPage();
  // Nothing but the server itself: anything else is recorded and refused.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  // Records CSP violations in the page, from before its first script runs.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
});

after(async () => {
  await context?.close();
  await server?.stop();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

test('GET /graphql in a browser opens GraphiQL with the default document', async () => {
  const response = await page.goto(`${origin}/graphql`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-security-policy'], /script-src 'self'/);
  await page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
  const query = page.locator('.graphiql-query-editor .CodeMirror');
  await query.waitFor();
  const text = await query.evaluate((element) => element.CodeMirror.getValue());
  for (const expected of ['getObject', 'freeObject', 'pool {']) assert.ok(text.includes(expected), text);
});

test('the docs pane shows the schema from introspection', async () => {
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.waitFor({ timeout: 30_000 });
  await docs.getByText('Mutation', { exact: true }).waitFor({ timeout: 30_000 });
  await docs.locator('a', { hasText: /^Query$/ }).first().click();
  for (const field of ['pool', 'pools', 'isAllocated']) {
    await docs.getByText(field, { exact: true }).first().waitFor({ timeout: 10_000 });
  }
});

test('the run button runs mutation { getObject } on the server and the result shows an id', async () => {
  const document = 'mutation {\n  getObject\n}\n';
  await page.locator('.graphiql-query-editor .CodeMirror').evaluate((element, value) => {
    element.CodeMirror.setValue(value);
  }, document);
  // GraphiQL takes in an edit after a debounce; it has when it stores the document.
  await page.waitForFunction((value) => window.localStorage.getItem('graphiql:query') === value, document);
  await page.locator('.graphiql-execute-button').click();
  const result = page.locator('.graphiql-response .CodeMirror');
  let body;
  await assert.doesNotReject(async () => {
    for (let i = 0; i < 100; ++i) {
      body = await result.evaluate((element) => element.CodeMirror.getValue());
      if (body.includes('getObject')) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.screenshot({ path: `${screenshotPath}.failure.png` });
    throw new Error(`no result after 10 s: ${body} (see ${screenshotPath}.failure.png)`);
  });
  const id = JSON.parse(body).data.getObject;
  assert.ok(Number.isInteger(id) && id >= 1, body);
  // The mutation really ran on this server.
  const check = await request(server.port, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: `{ isAllocated(id: ${id}) pool { allocated } }` }),
  });
  assert.deepEqual(JSON.parse(check.text).data, { isAllocated: true, pool: { allocated: 1 } });
  // The Query type's fields in the docs pane next to the result.
  mkdirSync(dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath });
  console.log(`screenshot: ${screenshotPath}`);
});

test('menus and dialogs open (they insert inline <style> elements, which the CSP allows)', async () => {
  await page.getByLabel('Open settings dialog').first().click();
  await page.getByRole('dialog').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 10_000 });
});

test('no request left the server and nothing violated the Content-Security-Policy', async () => {
  assert.deepEqual(foreignRequests, []);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e)), []);
});
