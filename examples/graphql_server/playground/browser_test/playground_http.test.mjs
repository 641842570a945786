// The playground over plain HTTP (no browser): the page, its assets' headers, --no-playground, and
// paths that must never reach a file.
//   OBJPOOL_GRAPHQL_BIN=.../objpool-graphql node --test playground_http.test.mjs
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSER_ACCEPT, request, startServer } from './server.mjs';

describe('playground on', () => {
  let server;
  let page;
  let assets;
  before(async () => {
    server = await startServer();
    page = await request(server.port, { headers: { Accept: BROWSER_ACCEPT } });
    assets = [...page.text.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]);
  });
  after(() => server.stop());

  test('a browser gets the page with no-cache, CSP and nosniff', () => {
    assert.equal(page.status, 200, page.text);
    assert.match(page.headers['content-type'], /^text\/html; charset=utf-8$/);
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.match(page.headers.vary, /Accept/);
    const csp = page.headers['content-security-policy'];
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/, 'no inline or eval scripts');
    assert.match(csp, /connect-src 'self'/);
    assert.match(page.text, /<title>objpool-graphql playground<\/title>/);
  });

  test('the page loads only its own assets, each from the server itself', () => {
    assert.equal(assets.length, 6, page.text);
    for (const asset of assets) assert.match(asset, /^\/playground\/[0-9a-f]{16}\/[a-z.-]+\.(js|css)$/);
    assert.doesNotMatch(page.text, /https?:\/\//, 'no absolute URL (no CDN)');
    const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(urls.filter((url) => !url.startsWith('/playground/')), ['data:,'], 'only the empty favicon is inline');
  });

  test('assets are served with their type and an immutable year-long cache', async () => {
    for (const asset of assets) {
      const response = await request(server.port, { path: asset });
      assert.equal(response.status, 200, asset);
      const type = asset.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';
      assert.equal(response.headers['content-type'], type, asset);
      assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable', asset);
      assert.equal(response.headers['x-content-type-options'], 'nosniff', asset);
      assert.ok(response.body.length > 0, asset);
    }
    const graphiql = assets.find((a) => a.endsWith('/graphiql.min.js'));
    assert.match((await request(server.port, { path: graphiql })).text, /GraphiQL/);
  });

  test('programs still get GraphQL at the same URL', async () => {
    const get = await request(server.port, { path: '/graphql?query=%7Bpools%7Bname%7D%7D' });
    assert.equal(get.status, 200, get.text);
    assert.deepEqual(JSON.parse(get.text), { data: { pools: [{ name: 'default' }] } });
    const bare = await request(server.port, { headers: { Accept: 'application/json' } });
    assert.equal(bare.status, 400, 'a GET without query from a program is still a GraphQL request error');
    const htmlWithQuery = await request(server.port, {
      path: '/graphql?query=%7Bpools%7Bname%7D%7D',
      headers: { Accept: BROWSER_ACCEPT },
    });
    assert.equal(htmlWithQuery.status, 200);
    assert.match(htmlWithQuery.headers['content-type'], /json/, 'a query parameter means GraphQL, even from a browser');
    const post = await request(server.port, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: BROWSER_ACCEPT },
      body: JSON.stringify({ query: 'mutation { getObject }' }),
    });
    assert.equal(post.status, 200, post.text);
    assert.equal(JSON.parse(post.text).data.getObject, 1);
  });

  test('only the fixed asset names are served: traversal, escapes and absolute paths get 404', async () => {
    const graphiql = assets.find((a) => a.endsWith('/graphiql.min.js'));
    const hash = graphiql.split('/')[2];
    const attempts = [
      '/playground/',
      '/playground/graphiql.min.js',
      `/playground/${hash}/../${hash}/graphiql.min.js`,
      `/playground/${hash}/./graphiql.min.js`,
      `/playground/${hash}//graphiql.min.js`,
      `/playground/${hash}%2fgraphiql.min.js`,
      `/playground/${hash}%2Fgraphiql.min.js`,
      `/playground/${hash}/graphiql%2emin%2ejs`,
      `/playground%2f${hash}/graphiql.min.js`,
      '/playground/../../../../etc/passwd',
      '/playground/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/playground/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      '/playground/..%2f..%2f..%2fetc%2fpasswd',
      '/playground//etc/passwd',
      '/playground/%2fetc%2fpasswd',
      '/playground/package.json',
      '/playground/node_modules/graphiql/graphiql.min.js',
      '/playground/index.html',
      '/playground/..\\..\\etc\\passwd',
      `/playground/${hash}/graphiql.min.js%00`,
      `/playground/${hash}/GRAPHIQL.MIN.JS`,
      '/etc/passwd',
      '//etc/passwd',
    ];
    for (const path of attempts) {
      const response = await request(server.port, { path });
      assert.equal(response.status, 404, `${path} -> ${response.status}`);
      assert.doesNotMatch(response.text, /root:/, path);
    }
    // The exact name with a query string is still the asset.
    assert.equal((await request(server.port, { path: `${graphiql}?v=1` })).status, 200);
  });
});

describe('--no-playground', () => {
  let server;
  before(async () => {
    server = await startServer(['--no-playground']);
  });
  after(() => server.stop());

  test('says nothing about a playground at start-up', () => {
    assert.doesNotMatch(server.output, /playground/i);
  });

  test('a browser gets the usual GraphQL answer and no page or asset is served', async () => {
    const page = await request(server.port, { headers: { Accept: BROWSER_ACCEPT } });
    assert.equal(page.status, 400);
    assert.match(page.headers['content-type'], /json/);
    assert.doesNotMatch(page.text, /<html/i);
    const on = await startServer();
    try {
      const assetPath = (await request(on.port, { headers: { Accept: BROWSER_ACCEPT } })).text.match(
        /src="([^"]+graphiql\.min\.js)"/)[1];
      assert.equal((await request(server.port, { path: assetPath })).status, 404);
    } finally {
      await on.stop();
    }
  });

  test('--playground after --no-playground turns it back on (the last wins)', async () => {
    const on = await startServer(['--no-playground', '--playground']);
    try {
      assert.equal((await request(on.port, { headers: { Accept: BROWSER_ACCEPT } })).status, 200);
    } finally {
      await on.stop();
    }
  });
});
