#!/usr/bin/env -S node --import tsx
/**
 * `npx tsx bench/credential-scale.ts` — trust and revocation at national scale (issue 14), in Debian Chromium:
 *   - a status list for 10^8 credentials (2 bits each) with 1 % revoked at random: its bytes, and the time to open it
 *     (signature, chain, capped inflate of 25 MB) plus 1,000 lookups, at 1x and 4x CPU;
 *   - a trust list of 1,000 authorities (IACA + DS each), as an eidkit trust list and as an ISO 18013-5 VICAL: its
 *     bytes, and open + verify of one presentation from an authority in the middle of the list, at 1x and 4x.
 * The page runs the engine's own code (bundled with esbuild) on its main thread, which is what CDP throttles.
 * Writes bench/results/credential-scale.json and prints a Markdown table. Options: --runs N (default 5).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
// @ts-expect-error: plain ESM script without types
import { serve } from '../scripts/serve.mjs';
import { launch, openThrottled } from './lib/browser.ts';
import {
  anchorToJson,
  createDocumentSigner,
  createIaca,
  createPresentation,
  createStatusList,
  createTestIssuer,
  createTrustListKey,
  createVicalSigner,
  generateP256KeyPair,
  issueCredential,
  publicKeyPoint,
  signerOf,
  signStatusList,
  signTrustList,
  signVical,
  webCryptoSigner,
  type TrustedIssuerInput,
} from '../engine/credential/index.ts';
import { person } from '../test-fixtures/credential/person.ts';

const ROOT = resolve(import.meta.dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const DAY = 86_400_000;
const log = (s: string) => console.log(s);

async function main(): Promise<void> {
  const now = new Date();
  const dir = mkdtempSync(join(tmpdir(), 'eidkit-scale-'));

  // ---- status list: 10^8 entries, 1 % revoked ----
  log('building a status list of 10^8 credentials, 1 % revoked …');
  const issuer = await createTestIssuer({ now, id: 'nation' });
  const N = 100_000_000;
  const state = createStatusList(issuer.statusUri, N);
  const revoked = new Set<number>();
  const r = new Uint32Array(1);
  while (revoked.size < N / 100) {
    crypto.getRandomValues(r);
    const i = r[0]! % N;
    revoked.add(i);
    state.statuses[i] = 1;
  }
  const statusBytes = await signStatusList(state, { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) }, { issuedAt: new Date(now.getTime() - 60_000), expiresAt: new Date(now.getTime() + DAY) });
  const probes = Array.from({ length: 1000 }, (_, k) => (k < 10 ? [...revoked][k]! : (crypto.getRandomValues(r), r[0]! % N)));
  writeFileSync(join(dir, 'status.cbor'), statusBytes);
  writeFileSync(join(dir, 'trust-small.cbor'), issuer.trustListBytes);
  log(`  status list: ${statusBytes.length} bytes signed (${(N / 4 / 1e6).toFixed(0)} MB packed)`);

  // ---- trust list: 1,000 authorities ----
  log('building a trust list and a VICAL of 1,000 authorities …');
  const start = new Date(now.getTime() - DAY);
  const authorities: TrustedIssuerInput[] = [];
  let middle: { ds: Awaited<ReturnType<typeof createDocumentSigner>> } | undefined;
  for (let i = 0; i < 1000; i++) {
    const iaca = await createIaca({ subject: { country: 'CN', commonName: `Authority ${i} IACA` }, notBefore: start });
    const ds = await createDocumentSigner({ iaca, commonName: `Authority ${i} DS`, notBefore: start });
    authorities.push({ id: `a${i}`, name: `Authority ${i}`, country: 'CN', iaca: [iaca.certificate], documentSigners: [ds.certificate] });
    if (i === 500) middle = { ds };
  }
  const tlKey = await createTrustListKey('federation-1');
  const trustBytes = await signTrustList({ version: 1, issuedAt: start, expiresAt: new Date(now.getTime() + 30 * DAY), issuers: authorities }, { keyId: 'federation-1', signer: signerOf(tlKey) });
  const vicalKey = await createVicalSigner({ provider: 'federation', country: 'CN', notBefore: start });
  const vicalBytes = await signVical({ provider: 'federation', date: now, issueId: 1, entries: authorities.map((a) => ({ certificate: a.iaca[0]!, docTypes: ['org.eidkit.eid.1'], issuingAuthority: a.name, issuingCountry: a.country })) }, vicalKey);
  const device = await generateP256KeyPair(false);
  const credential = await issueCredential({ data: person, devicePublicKey: await publicKeyPoint(device.publicKey), documentSigner: { certificate: middle!.ds.certificate, signer: signerOf(middle!.ds) }, signed: now });
  // Embedded DS certificate: a VICAL lists IACAs only. The eidkit list could resolve a reference too.
  const presentation = (await createPresentation({ credential, disclose: ['given_name', 'age_over_18'], deviceSigner: webCryptoSigner(device.privateKey), mode: { kind: 'one-way', at: now }, embedCertificate: true })).bytes;
  writeFileSync(join(dir, 'trust-1000.cbor'), trustBytes);
  writeFileSync(join(dir, 'vical-1000.cbor'), vicalBytes);
  writeFileSync(join(dir, 'presentation.cbor'), presentation);
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({ smallAnchor: anchorToJson(issuer.trustListKey.anchor), bigAnchor: anchorToJson(tlKey.anchor), vicalAnchor: anchorToJson(vicalKey.anchor), probes, now: now.getTime() }),
  );
  log(`  trust list: ${trustBytes.length} bytes, VICAL: ${vicalBytes.length} bytes`);

  await build({ entryPoints: [join(ROOT, 'bench/pages/credential-scale.ts')], bundle: true, format: 'esm', target: 'es2022', outfile: join(dir, 'scale.js'), logLevel: 'warning' });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>scale</title><script type="module" src="/scale.js"></script>');
  const server = (await serve({ root: dir, port: 0 })) as { url: string; close(): Promise<void> };
  const browser = await launch();
  const rows: { what: string; cpu: number; medianMs: number; runsMs: number[] }[] = [];
  try {
    for (const cpu of [1, 4]) {
      const t = await openThrottled(browser);
      await t.page.goto(server.url);
      await t.page.waitForFunction(() => (globalThis as { scaleReady?: boolean }).scaleReady === true);
      await t.page.evaluate(() => (globalThis as unknown as { scaleLoad(): Promise<void> }).scaleLoad());
      for (const what of ['status-open+1000-lookups', 'trust-1000-open+verify', 'vical-1000-open+verify'] as const) {
        const times: number[] = [];
        for (let run = 0; run < RUNS + 1; run++) {
          await t.setCpu(cpu);
          const ms = await t.page.evaluate((w) => (globalThis as unknown as { scaleRun(w: string): Promise<number> }).scaleRun(w), what);
          await t.setCpu(1);
          if (run > 0) times.push(ms); // the first run warms the JIT
        }
        const sorted = [...times].sort((a, b) => a - b);
        rows.push({ what, cpu, medianMs: sorted[Math.floor(sorted.length / 2)]!, runsMs: times.map((x) => Math.round(x)) });
        log(`  ${what} at ${cpu}x: median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} ms (${times.map((x) => Math.round(x)).join(', ')})`);
      }
      await t.context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const result = {
    date: now.toISOString(),
    runs: RUNS,
    statusList: { credentials: N, revoked: revoked.size, bits: 2, signedBytes: statusBytes.length, packedBytes: N / 4 },
    trustList: { authorities: 1000, eidkitBytes: trustBytes.length, vicalBytes: vicalBytes.length },
    rows,
  };
  writeFileSync(join(ROOT, 'bench/results/credential-scale.json'), JSON.stringify(result, null, 1) + '\n');
  log('\n| measurement | 1x CPU | 4x CPU |\n|---|---|---|');
  for (const what of ['status-open+1000-lookups', 'trust-1000-open+verify', 'vical-1000-open+verify']) {
    const at = (c: number) => Math.round(rows.find((x) => x.what === what && x.cpu === c)!.medianMs);
    log(`| ${what} | ${at(1)} ms | ${at(4)} ms |`);
  }
}

await main();
