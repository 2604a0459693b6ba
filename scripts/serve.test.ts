// The static server and the build's precompression: brotli / gzip copies go to clients that accept them (with Vary),
// identity to the rest, the same bytes after decoding; ETags make a revalidation a 304; routes still get the shell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
// @ts-expect-error: plain ESM script without types
import { acceptedEncodings, serve } from './serve.mjs';
// @ts-expect-error: plain ESM script without types
import { precompress } from './lib/precompress.mjs';

let dir: string;
let server: { url: string; close(): Promise<void> };
const script = Buffer.from('export const greeting = "hello";\n'.repeat(200));
const shell = Buffer.from(`<!doctype html><title>shell</title>${'<p>app</p>'.repeat(200)}`);
const noise = randomBytes(4096);

/** Raw GET (Node's fetch would decode and hide what was sent). */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((ok, fail) => {
    const req = request(new URL(path, server.url), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eidkit-serve-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), shell);
  await writeFile(join(dir, 'assets/app.js'), script);
  await writeFile(join(dir, 'assets/noise.bin'), noise);
  await writeFile(join(dir, 'assets/tiny.js'), 'export {};\n');
  await precompress(dir);
  server = await serve({ root: dir, port: 0 });
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('precompress', () => {
  it('writes .br and .gz beside compressible files, not beside tiny or incompressible ones', async () => {
    const files = (await readdir(join(dir, 'assets'))).sort();
    expect(files).toEqual(['app.js', 'app.js.br', 'app.js.gz', 'noise.bin', 'tiny.js']);
    expect((await readdir(dir)).filter((f) => f.startsWith('index.html')).sort()).toEqual(['index.html', 'index.html.br', 'index.html.gz']);
  });
});

describe('serve', () => {
  it('parses Accept-Encoding with q-values, brotli first', () => {
    expect(acceptedEncodings('gzip, deflate, br')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings('gzip;q=0.5, br;q=0')).toEqual(['gzip']);
    expect(acceptedEncodings('*')).toEqual(['br', 'gzip']);
    expect(acceptedEncodings(undefined)).toEqual([]);
  });

  it('sends brotli, gzip or identity as accepted, the same bytes once decoded, with Vary', async () => {
    const br = await get('/assets/app.js', { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toBe('Accept-Encoding');
    expect(br.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(script.length / 4);
    expect(brotliDecompressSync(br.body).equals(script)).toBe(true);

    const gz = await get('/assets/app.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(script)).toBe(true);

    const plain = await get('/assets/app.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(script)).toBe(true);
    // Each representation has its own validator.
    expect(new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]).size).toBe(3);
  });

  it('serves the app shell, compressed, for client-side routes; files without a copy as they are', async () => {
    const route = await get('/verify', { 'accept-encoding': 'br' });
    expect(route.status).toBe(200);
    expect(route.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(route.body).equals(shell)).toBe(true);
    const bin = await get('/assets/noise.bin', { 'accept-encoding': 'br' });
    expect(bin.headers['content-encoding']).toBeUndefined();
    expect(bin.body.equals(noise)).toBe(true);
    expect((await get('/assets/missing.js')).status).toBe(404);
  });

  it('never serves a copy older than its file (the file changed after the build)', async () => {
    const changed = Buffer.concat([script, Buffer.from('// patched\n')]);
    await writeFile(join(dir, 'assets/app.js'), changed);
    const res = await get('/assets/app.js', { 'accept-encoding': 'br, gzip' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.equals(changed)).toBe(true);
    await precompress(dir);
    const again = await get('/assets/app.js', { 'accept-encoding': 'br' });
    expect(brotliDecompressSync(again.body).equals(changed)).toBe(true);
  });

  it('answers a revalidation with a matching ETag by 304 and no body', async () => {
    const first = await get('/assets/app.js', { 'accept-encoding': 'br' });
    const again = await get('/assets/app.js', { 'accept-encoding': 'br', 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const other = await get('/assets/app.js', { 'accept-encoding': 'gzip', 'if-none-match': String(first.headers.etag) });
    expect(other.status).toBe(200);
  });
});
