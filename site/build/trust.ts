/**
 * The trust a verifier site ships with, baked at build time (issue 14):
 *   - an operator's own file: EIDKIT_TRUST_FILE=/path/verifier-trust.json (the issuer desk's "verifier trust file"),
 *     served as /trust/verifier-trust.json, and no demo authority at all;
 *   - otherwise the reference build's clearly labelled **demo authority**: its signed trust list (the issuer is marked
 *     `demo`, so every result it vouches for says "demo issuer — not an identity document") and an all-valid status
 *     list, plus /trust/demo-authority.json, the demo authority's keys, so the site's own desk can issue as it and a
 *     newcomer's story works with no file handling. Those keys are public by design: a demo issuer proves nothing.
 * The demo keys are made once and kept in .cache/demo-authority.json (git-ignored), so rebuilding keeps the verifiers
 * that already cached the list working.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Plugin } from 'vite';
import {
  createDocumentSigner,
  createIaca,
  createStatusList,
  createTrustListKey,
  fromKeyFile,
  signerOf,
  signStatusList,
  signTrustList,
  toKeyFile,
  type KeyFile,
} from '../../engine/credential/index.ts';
import { anchorToJson } from '../../engine/credential/trust-list.ts';
import { toBase64 } from '../../engine/credential/bytes.ts';

export const DEMO_AUTHORITY_TYPE = 'eidkit-demo-authority';
const DAY = 86_400_000;
/** What the desk's own status list holds (site/issuer/desk-store.ts) and its URI, so the baked list covers its indices. */
const STATUS_LIST_SIZE = 65_536;

export interface DemoAuthorityFile {
  readonly type: typeof DEMO_AUTHORITY_TYPE;
  readonly about: string;
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly trustListVersion: number;
  readonly keys: { readonly iaca: KeyFile; readonly ds: KeyFile; readonly trustList: KeyFile };
}

async function makeDemoAuthority(now: Date): Promise<DemoAuthorityFile> {
  const notBefore = new Date(now.getTime() - DAY);
  const name = 'eidkit demo authority';
  const iaca = await createIaca({ subject: { country: 'ZZ', commonName: `${name} IACA (demo, not an identity document issuer)`, organization: name }, notBefore, validDays: 3650 });
  const ds = await createDocumentSigner({ iaca, commonName: `${name} DS 1`, organization: name, notBefore, validDays: 3 * 365 });
  const trustKey = await createTrustListKey('demo-trust-1');
  return {
    type: DEMO_AUTHORITY_TYPE,
    about: 'The demo issuing authority of this eidkit build. Its keys are public: anything it signs is a demonstration, not an identity document.',
    id: 'demo',
    name,
    country: 'ZZ',
    trustListVersion: 1,
    keys: {
      iaca: await toKeyFile('iaca', iaca),
      ds: await toKeyFile('ds', ds),
      trustList: await toKeyFile('trust-list', { privateKey: trustKey.privateKey, keyId: trustKey.anchor.keyId }),
    },
  };
}

/** The verifier trust file (site/lib/trust-bundle.ts format) for the demo authority. */
export async function demoTrustBundle(demo: DemoAuthorityFile, now: Date): Promise<Record<string, unknown>> {
  const iaca = await fromKeyFile(demo.keys.iaca, 'iaca');
  const ds = await fromKeyFile(demo.keys.ds, 'ds');
  const tl = await fromKeyFile(demo.keys.trustList, 'trust-list');
  const trustList = await signTrustList(
    {
      version: demo.trustListVersion,
      issuedAt: new Date(now.getTime() - 60_000),
      expiresAt: new Date(now.getTime() + 365 * DAY),
      issuers: [{ id: demo.id, name: demo.name, country: demo.country, iaca: [iaca.certificate!], documentSigners: [ds.certificate!], demo: true }],
    },
    { keyId: tl.keyId!, signer: signerOf(tl) },
  );
  // All valid, for a year: the demo desk's own revocations reach verifiers by its trust QR or published file.
  const statusList = await signStatusList(createStatusList(`eidkit:status:${demo.id}:1`, STATUS_LIST_SIZE), { certificate: ds.certificate!, signer: signerOf(ds) }, {
    issuedAt: new Date(now.getTime() - 60_000),
    expiresAt: new Date(now.getTime() + 365 * DAY),
  });
  return {
    type: 'eidkit-verifier-trust',
    version: 1,
    about: 'Baked at build time: the demo authority of this eidkit build (labelled "demo issuer" in every result). Operators bake their own with EIDKIT_TRUST_FILE; see /docs/hosting.',
    anchors: [anchorToJson({ keyId: tl.keyId!, publicKey: tl.publicKey })],
    trustList: toBase64(trustList),
    statusLists: [toBase64(statusList)],
  };
}

async function loadOrMakeDemo(cacheFile: string): Promise<DemoAuthorityFile> {
  if (existsSync(cacheFile)) {
    const j = JSON.parse(readFileSync(cacheFile, 'utf8')) as DemoAuthorityFile;
    if (j.type === DEMO_AUTHORITY_TYPE) return j;
  }
  const demo = await makeDemoAuthority(new Date());
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(demo, null, 1), { mode: 0o600 });
  return demo;
}

/** The files to serve under /trust/, decided once per build or dev server. */
export async function bakedTrustFiles(root: string, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const operator = env.EIDKIT_TRUST_FILE;
  if (operator) {
    const text = readFileSync(resolve(root, operator), 'utf8');
    const j = JSON.parse(text) as { type?: string };
    if (j.type !== 'eidkit-verifier-trust') throw new Error(`EIDKIT_TRUST_FILE (${operator}) is not an eidkit verifier trust file.`);
    return { 'trust/verifier-trust.json': text };
  }
  const demo = await loadOrMakeDemo(resolve(root, '.cache/demo-authority.json'));
  return {
    'trust/verifier-trust.json': JSON.stringify(await demoTrustBundle(demo, new Date()), null, 1),
    'trust/demo-authority.json': JSON.stringify(demo),
  };
}

export function trustPlugin(root: string): Plugin {
  let files: Promise<Record<string, string>> | undefined;
  const get = () => (files ??= bakedTrustFiles(root));
  return {
    name: 'eidkit-baked-trust',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        void get().then((f) => {
          const body = f[path];
          if (body === undefined) return next();
          res.setHeader('Content-Type', 'application/json');
          res.end(body);
        }, next);
      });
    },
    async generateBundle() {
      for (const [fileName, source] of Object.entries(await get())) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
