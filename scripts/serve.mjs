// A small static server for the built site: cross-origin isolation headers (COOP/COEP) so wasm threads work, a strict
// Content-Security-Policy, SPA fallback to index.html, the build's precompressed copies (<file>.br / <file>.gz, from
// scripts/lib/precompress.mjs) to clients that accept them, and ETags so a revalidation costs no body.
// Used by `npm start`, the e2e tests and the benchmarks.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.cbor': 'application/cbor',
};

/** The policy the site is built to run under: no eval (wasm compilation only), nothing from another origin. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "manifest-src 'self'",
].join('; ');

export const SECURITY_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=()',
};

/** Pages that keep their opener (site/pwa/headers.ts OPENER_PAGES): the consent page answering a website's popup. */
export const OPENER_PAGES = ['/share'];

/** Encodings the client accepts, in our order of preference (brotli, then gzip); `q=0` means refused. */
export function acceptedEncodings(header) {
  const accepted = new Map();
  for (const part of String(header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name) accepted.set(name, q ? Number(q.slice(2)) : 1);
  }
  const ok = (e) => (accepted.get(e) ?? accepted.get('*') ?? 0) > 0;
  return ['br', 'gzip'].filter(ok);
}

const SUFFIX = { br: '.br', gzip: '.gz' };

/**
 * Serves `root` on 127.0.0.1. `port` 0 picks a free port. Resolves to { url, port, close }.
 * `shell` is the page client-side routes get (default index.html); `files` maps extra paths to generated bodies;
 * `csp` maps paths to a Content-Security-Policy that replaces the site's for that page.
 */
export async function serve({ root, port = 0, host = '127.0.0.1', shell = 'index.html', files = {}, coop, csp = {} }) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (Object.hasOwn(files, url.pathname)) {
        const body = Buffer.from(files[url.pathname]);
        const type = TYPES[extname(url.pathname)] ?? 'application/octet-stream';
        res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache', 'Content-Length': body.length, ...SECURITY_HEADERS });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      if (shell !== 'index.html' && url.pathname === '/') url.pathname = `/${shell}`;
      let path = normalize(join(base, decodeURIComponent(url.pathname)));
      if (path !== base && !path.startsWith(base + sep)) {
        res.writeHead(403).end();
        return;
      }
      let info = await stat(path).catch(() => undefined);
      if (info?.isDirectory()) {
        path = join(path, 'index.html');
        info = await stat(path).catch(() => undefined);
      }
      if (!info) {
        // Client-side routes (/verify, /wallet ...) get the app shell; missing assets get a real 404.
        if (extname(url.pathname) !== '') {
          res.writeHead(404, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS }).end('not found');
          return;
        }
        path = join(base, shell);
        info = await stat(path);
      }
      const type = TYPES[extname(path)] ?? 'application/octet-stream';
      const cache = path.endsWith('.html') || path.endsWith('sw.js') ? 'no-cache' : 'public, max-age=3600';
      // The precompressed copy the client accepts, if the build wrote one.
      let encoding;
      let file = path;
      let size = info.size;
      let mtime = info.mtimeMs;
      const compressedExists = [];
      for (const e of ['br', 'gzip']) {
        const c = await stat(path + SUFFIX[e]).catch(() => undefined);
        // A copy older than its file is stale (the file changed after the build): never serve it.
        if (c?.isFile() && c.mtimeMs >= info.mtimeMs) compressedExists.push([e, c]);
      }
      for (const e of acceptedEncodings(req.headers['accept-encoding'])) {
        const hit = compressedExists.find(([name]) => name === e);
        if (hit) {
          encoding = e;
          file = path + SUFFIX[e];
          size = hit[1].size;
          mtime = hit[1].mtimeMs;
          break;
        }
      }
      const etag = `"${info.size.toString(16)}-${Math.round(info.mtimeMs).toString(16)}${encoding ? `-${encoding}` : ''}"`;
      const headers = {
        'Content-Type': type,
        'Cache-Control': cache,
        ETag: etag,
        'Last-Modified': new Date(mtime).toUTCString(),
        ...(compressedExists.length ? { Vary: 'Accept-Encoding' } : {}),
        ...(encoding ? { 'Content-Encoding': encoding } : {}),
        ...SECURITY_HEADERS,
        ...(coop ? { 'Cross-Origin-Opener-Policy': coop } : {}),
        ...(OPENER_PAGES.includes(url.pathname) ? { 'Cross-Origin-Opener-Policy': 'unsafe-none' } : {}),
        // A page given its own policy (the bench's FacePlugin peer, whose SDK compiles code with `new Function`).
        ...(Object.hasOwn(csp, url.pathname) ? { 'Content-Security-Policy': csp[url.pathname] } : {}),
      };
      const inm = req.headers['if-none-match'];
      if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        res.writeHead(304, headers).end();
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'Content-Length': size });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(e));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  return {
    url: `http://localhost:${actual}/`,
    port: actual,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/**
 * The demo relying party ("file a case with the court", site/rp/court.html) on its own origin: another localhost
 * port, the same build, so it loads the engine and the models from its own origin like any integrator's site.
 * `walletUrl` is the wallet's consent page on the site's origin (e.g. http://localhost:4173/share).
 */
export async function serveDemoRp({ root, port = 0, host = '127.0.0.1', walletUrl }) {
  // same-origin-allow-popups: the court keeps a handle on the wallet popup it opens (post-message mode).
  return serve({
    root,
    port,
    host,
    shell: 'rp/court.html',
    coop: 'same-origin-allow-popups',
    files: { '/rp/config.json': JSON.stringify({ wallet: walletUrl }) },
  });
}
