// The playground tests start fresh servers and send raw requests through the e2e tests' helpers.
export { request, startServer } from '../../e2e/server_process.mjs';

export const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
