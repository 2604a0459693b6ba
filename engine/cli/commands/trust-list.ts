import { dirname } from 'node:path';
import type { CliCommand } from '../command.ts';
import { parseArgs } from '../command.ts';
import { EidkitError } from '../../errors.ts';
import { anchorFromJson, openTrustList, signTrustList, type TrustedIssuerInput } from '../../credential/trust-list.ts';
import { signerOf } from '../../credential/issuer-keys.ts';
import { escapeControls as e } from '../escape.ts';
import { emit, loadKey, numberFlag, path, readBytes, readCertificate, readJson, required, writeBytes } from './credential-files.ts';

const usage = `usage: eidkit trust-list build --key tl-key.json --issuers issuers.json --version <n> --out trust.cbor [--days 30]
       eidkit trust-list show trust.cbor --anchor anchor.json

issuers.json lists every issuing authority verifiers should trust (paths relative to the file):
  [{"id": "cn-sh", "name": "Shanghai PSB", "country": "CN", "iaca": ["sh-iaca.json"], "ds": ["sh-ds1.json"]}, ...]
"iaca"/"ds" entries are eidkit key files or PEM/DER certificates; listing DS certificates lets presentations refer
to them by thumbprint instead of carrying them (a smaller QR code).`;

export const trustListCommand: CliCommand = {
  name: 'trust-list',
  summary: 'build and sign a trust list of issuing authorities (IACA roots, document signers), or show one',
  usage,
  async run(argv, io) {
    const args = parseArgs(argv);
    const json = args.flags.has('json');
    const [sub, file] = args.positional;
    if (sub === 'build') {
      const key = await loadKey(io, required(args, 'key', 'tl-key.json'), 'trust-list');
      const issuersFile = required(args, 'issuers', 'issuers.json');
      const base = dirname(path(io, issuersFile));
      const raw = readJson(io, issuersFile);
      if (!Array.isArray(raw)) throw new EidkitError('cli/usage', 'issuers.json must be a JSON array.');
      const rel = { ...io, cwd: base };
      const issuers: TrustedIssuerInput[] = raw.map((i: { id?: string; name?: string; country?: string; iaca?: string[]; ds?: string[] }) => {
        if (!i.id || !i.name || !i.country || !Array.isArray(i.iaca)) {
          throw new EidkitError('cli/usage', 'Each issuer needs "id", "name", "country" and an "iaca" list.');
        }
        return { id: i.id, name: i.name, country: i.country, iaca: i.iaca.map((p) => readCertificate(rel, p)), documentSigners: (i.ds ?? []).map((p) => readCertificate(rel, p)) };
      });
      const version = numberFlag(args, 'version', NaN);
      if (!Number.isInteger(version)) throw new EidkitError('cli/usage', '--version <n> is required (a whole number that only grows).');
      const now = new Date();
      const bytes = await signTrustList(
        { version, issuedAt: now, expiresAt: new Date(now.getTime() + numberFlag(args, 'days', 30) * 86_400_000), issuers },
        { keyId: key.keyId!, signer: signerOf(key) },
      );
      const out = required(args, 'out', 'trust.cbor');
      writeBytes(io, out, bytes);
      emit(io, json, { ok: true, out, version, issuers: issuers.map((i) => i.id), bytes: bytes.length }, `Trust list v${version} with ${issuers.length} issuer(s), ${bytes.length} bytes → ${out}`);
      return 0;
    }
    if (sub === 'show' && file) {
      const anchor = anchorFromJson(readJson(io, required(args, 'anchor', 'anchor.json')));
      const tl = await openTrustList(readBytes(io, file), [anchor]);
      const info = {
        ok: true,
        version: tl.version,
        issuedAt: new Date(tl.issuedAt).toISOString(),
        expiresAt: new Date(tl.expiresAt).toISOString(),
        signedBy: tl.signedBy,
        issuers: tl.issuers.map((i) => ({ id: i.id, name: i.name, country: i.country, iaca: i.iaca.map((c) => c.subject.text), ds: i.documentSigners.map((c) => c.subject.text) })),
      };
      // Names come from the list: escaped one by one so none can start a line of its own.
      emit(io, json, info, [`Trust list v${info.version} signed by ${e(info.signedBy)}, issued ${info.issuedAt}, expires ${info.expiresAt}`, ...info.issuers.map((i) => `  ${e(i.id)} (${e(i.country)}) ${e(i.name)}: IACA ${i.iaca.map(e).join('; ')}; DS ${i.ds.map(e).join('; ') || 'none'}`)].join('\n'));
      return 0;
    }
    throw new EidkitError('cli/usage', `Expected "build" or "show <file>".\n\n${usage}`);
  },
};
