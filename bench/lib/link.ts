// A slow network link in front of the static server, for start-up: one shared downlink (every response's bytes queue
// on it, as on a phone's radio) and a round-trip delay before each response starts. Needed because CDP's
// Network.emulateNetworkConditions does not reach a service worker's fetches in this Chromium (measured: 400 kB fetched
// by a service worker in 29 ms under "Slow 4G" emulation, page and worker targets both set), and the site's service
// worker precaches ~15 MB while the verify page starts: without this, that traffic would cost nothing.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { NetworkProfile } from './browser.ts';

const CHUNK = 16 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** One response as it crossed the link: what the radio actually carried, whoever asked (page, worker, service worker). */
export interface LinkTransfer {
  /** Path and query as requested. */
  readonly path: string;
  /** Status line and headers (as sent) plus body bytes. */
  readonly bytes: number;
  /** Content-Encoding of the response, when compressed. */
  readonly encoding?: string;
  /** Epoch ms (same clock as a page's performance.timeOrigin + now()): request in, last byte out. */
  readonly start: number;
  readonly end: number;
}

export interface Link {
  readonly url: string;
  /** Every finished response, in the order they finished. */
  readonly transfers: readonly LinkTransfer[];
  close(): Promise<void>;
}

const epoch = (): number => performance.timeOrigin + performance.now();

/** Proxies `target` (http://host:port/) through a link shaped like `profile`. Uploads (tiny GETs here) are not shaped. */
export async function slowLink(target: string, profile: NetworkProfile): Promise<Link> {
  const upstream = new URL(target);
  let linkFreeAt = 0;
  const transfers: LinkTransfer[] = [];
  /** Waits until `n` bytes have crossed the shared downlink. */
  const transmit = async (n: number): Promise<void> => {
    if (profile.download <= 0) return;
    const now = performance.now();
    linkFreeAt = Math.max(now, linkFreeAt) + (n / profile.download) * 1000;
    await sleep(linkFreeAt - now);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const startEpoch = epoch();
    const up = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        void (async () => {
          await sleep(started + profile.latency - performance.now());
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          let bytes = `HTTP/1.1 ${answer.statusCode} ${answer.statusMessage ?? ''}\r\n`.length + answer.rawHeaders.reduce((n, h, i) => n + h.length + (i % 2 ? 4 : 0), 2);
          for await (const chunk of answer as AsyncIterable<Buffer>) {
            for (let at = 0; at < chunk.length; at += CHUNK) {
              const part = chunk.subarray(at, at + CHUNK);
              await transmit(part.length);
              bytes += part.length;
              if (!res.write(part)) await new Promise((r) => res.once('drain', r));
            }
          }
          res.end();
          const encoding = answer.headers['content-encoding'];
          transfers.push({ path: req.url ?? '/', bytes, ...(encoding ? { encoding } : {}), start: startEpoch, end: epoch() });
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
    transfers,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
