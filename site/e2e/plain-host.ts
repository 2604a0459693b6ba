// A static host that sends no security headers at all (like many free static hosts): files, and 404.html for
// unknown paths. Used to test that the service worker alone makes the site cross-origin isolated and CSP-protected.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export async function plainHost(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(root)) return void res.writeHead(403).end();
    const file = (await stat(path).catch(() => undefined))?.isDirectory() ? join(path, 'index.html') : path;
    const body = await readFile(file).catch(() => undefined);
    if (body) return void res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    res.writeHead(404, { 'Content-Type': TYPES['.html']! }).end(await readFile(join(root, '404.html')));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return { url: `http://localhost:${port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}
