// The API reference is generated from the public entry points' doc comments into the built site (scripts/lib/steps.mjs
// buildApiReference) and served beside the app at /docs/api/, linked from the integrator guide.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: plain ESM script without types
import { serve } from './serve.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const site = join(ROOT, 'dist/site');
let server: { url: string; close(): Promise<void> } | undefined;

beforeAll(async () => {
  if (!existsSync(join(site, 'docs/api/index.html'))) throw new Error('dist/site/docs/api is not built: run npm test (it builds the site and the API reference).');
  server = (await serve({ root: site, port: 0 })) as { url: string; close(): Promise<void> };
});
afterAll(async () => server?.close());

async function page(path: string): Promise<string> {
  const r = await fetch(new URL(path, server!.url));
  expect(r.status, path).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/text\/html/);
  return r.text();
}

test('the API reference lists both entry points and documents their functions from the doc comments', async () => {
  const index = await page('/docs/api/index.html');
  expect(index).toMatch(/eidkit\/node/);
  const node = await page('/docs/api/modules/eidkit_node.html');
  expect(node).toMatch(/decodeImageFile/);
  expect(node).toMatch(/faceTemplateFromFile/);
  const decode = await page('/docs/api/functions/eidkit_node.decodeImageFile.html');
  expect(decode).toMatch(/Reads a JPEG or PNG file into RGBA pixels/);
  const issue = await page('/docs/api/functions/eidkit.issueCredential.html');
  expect(issue).toMatch(/Issues an eID credential/);
});

test('its pages run no inline script (the site CSP allows scripts from itself only), and the scripts they load are served', async () => {
  for (const path of ['/docs/api/index.html', '/docs/api/functions/eidkit.issueCredential.html']) {
    const html = await page(path);
    expect(html, path).not.toMatch(/<script>/);
    for (const [, src] of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) {
      const r = await fetch(new URL(src!, new URL(path, server!.url)));
      expect(r.status, `${path} → ${src}`).toBe(200);
      expect(r.headers.get('content-type'), src).toMatch(/javascript/);
    }
  }
});
