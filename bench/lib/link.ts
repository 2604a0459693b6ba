// A slow network link in front of the static server, for start-up: one shared downlink (every response's bytes queue
// on it, as on a phone's radio) and a round-trip delay before each response starts. Needed because CDP's
// Network.emulateNetworkConditions does not reach a service worker's fetches in this Chromium (measured: 400 kB fetched
// by a service worker in 29 ms under "Slow 4G" emulation, page and worker targets both set), and the site's service
// worker precaches ~15 MB while the verify page starts: without this, that traffic would cost nothing.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { NetworkProfile } from './browser.ts';

const CHUNK = 16 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export interface Link {
  readonly url: string;
  close(): Promise<void>;
}

/** Proxies `target` (http://host:port/) through a link shaped like `profile`. Uploads (tiny GETs here) are not shaped. */
export async function slowLink(target: string, profile: NetworkProfile): Promise<Link> {
  const upstream = new URL(target);
  let linkFreeAt = 0;
  /** Waits until `n` bytes have crossed the shared downlink. */
  const transmit = async (n: number): Promise<void> => {
    if (profile.download <= 0) return;
    const now = performance.now();
    linkFreeAt = Math.max(now, linkFreeAt) + (n / profile.download) * 1000;
    await sleep(linkFreeAt - now);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const up = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        void (async () => {
          await sleep(started + profile.latency - performance.now());
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          for await (const chunk of answer as AsyncIterable<Buffer>) {
            for (let at = 0; at < chunk.length; at += CHUNK) {
              const part = chunk.subarray(at, at + CHUNK);
              await transmit(part.length);
              if (!res.write(part)) await new Promise((r) => res.once('drain', r));
            }
          }
          res.end();
        })().catch(() => res.destroy());
      },
    );
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://localhost:${port}/`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
