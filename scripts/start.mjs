#!/usr/bin/env node
// `npm start`: installs what is missing, prepares the models, builds the site and serves it on localhost with the
// headers it needs (cross-origin isolation for wasm threads, a strict CSP). PORT overrides the default 4173.
import { ensureInstalled, buildEngine, buildSite } from './lib/steps.mjs';

await ensureInstalled();
await buildEngine();
await buildSite();
const { serve } = await import('./serve.mjs');
const server = await serve({ root: new URL('../dist/site', import.meta.url).pathname, port: Number(process.env.PORT ?? 4173) });
const { serveDemoRp } = await import('./serve.mjs');
const rp = await serveDemoRp({
  root: new URL('../dist/site', import.meta.url).pathname,
  port: Number(process.env.RP_PORT ?? server.port + 1),
  walletUrl: new URL('/share', server.url).href,
});
console.log(`\neidkit is being served at ${server.url}  (Ctrl+C to stop)`);
console.log(`the demo relying party (a court's "file a case" page, another origin) is at ${rp.url}`);
