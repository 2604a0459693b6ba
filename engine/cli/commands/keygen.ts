import type { CliCommand } from '../command.ts';
import { flagString, parseArgs } from '../command.ts';
import { EidkitError } from '../../errors.ts';
import { createDocumentSigner, createIaca, createTrustListKey, toKeyFile } from '../../credential/issuer-keys.ts';
import { anchorToJson } from '../../credential/trust-list.ts';
import { generateP256KeyPair } from '../../credential/crypto.ts';
import { certificateToPem, parseCertificate } from '../../credential/x509.ts';
import { emit, loadKey, numberFlag, required, writeBytes } from './credential-files.ts';

const usage = `usage: eidkit keygen --role <iaca|ds|trust-list|device> --out <key.json> [options] [--json]

  --role iaca        an issuing authority root (ISO 18013-5 Annex B IACA, P-256, self-signed)
       --country CN --name "Shanghai PSB IACA" [--org ...] [--url https://...] [--days 3650]
  --role ds          a document signer certified by an IACA
       --iaca iaca.json --name "Shanghai DS 1" [--days 365]
  --role trust-list  the key that signs trust lists; also writes the public anchor verifiers pin
       --key-id cn-trust-1 [--anchor anchor.json]
  --role device      a holder device key for trying things from the command line
                     (in a browser wallet the device key is a non-extractable WebCrypto key)
  --cert <file.pem>  also write the certificate as PEM (iaca, ds)

Key files hold the private key as clear JWK: keep them offline and readable only by you (written with mode 600).`;

export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: 'create issuer keys and certificates (IACA root, document signer), a trust-list key or a device key',
  usage,
  async run(argv, io) {
    const args = parseArgs(argv);
    const json = args.flags.has('json');
    const role = required(args, 'role', 'iaca|ds|trust-list|device');
    const out = required(args, 'out', 'key.json');
    const days = numberFlag(args, 'days', role === 'iaca' ? 3650 : 365);
    const cert = flagString(args, 'cert');
    if (role === 'iaca') {
      const country = required(args, 'country', 'alpha-2 code');
      const name = required(args, 'name', 'common name');
      const org = flagString(args, 'org');
      const url = flagString(args, 'url');
      const key = await createIaca({ subject: { country, commonName: name, ...(org ? { organization: org } : {}) }, validDays: days, ...(url ? { issuerUrl: url } : {}) });
      return finish('iaca', key);
    }
    if (role === 'ds') {
      const iaca = await loadKey(io, required(args, 'iaca', 'iaca.json'), 'iaca');
      const url = flagString(args, 'url');
      const key = await createDocumentSigner({
        iaca: { certificate: iaca.certificate!, privateKey: iaca.privateKey },
        commonName: required(args, 'name', 'common name'),
        validDays: days,
        ...(url ? { issuerUrl: url } : {}),
      });
      return finish('ds', key);
    }
    if (role === 'trust-list') {
      const keyId = required(args, 'key-id', 'id');
      const key = await createTrustListKey(keyId);
      writeBytes(io, out, JSON.stringify(await toKeyFile('trust-list', { privateKey: key.privateKey, keyId }), null, 2) + '\n', 0o600);
      const anchorPath = flagString(args, 'anchor') ?? out.replace(/(\.json)?$/, '.anchor.json');
      writeBytes(io, anchorPath, JSON.stringify(anchorToJson(key.anchor), null, 2) + '\n');
      emit(io, json, { ok: true, role, keyId, out, anchor: anchorPath }, `Trust-list key ${keyId} → ${out}\nPublic anchor for verifiers → ${anchorPath}`);
      return 0;
    }
    if (role === 'device') {
      const pair = await generateP256KeyPair(true);
      writeBytes(io, out, JSON.stringify(await toKeyFile('device', { privateKey: pair.privateKey }), null, 2) + '\n', 0o600);
      emit(io, json, { ok: true, role, out }, `Device key → ${out}`);
      return 0;
    }
    throw new EidkitError('cli/usage', `Unknown --role "${role}" (iaca, ds, trust-list or device).`);

    async function finish(r: 'iaca' | 'ds', key: { certificate: Uint8Array; privateKey: CryptoKey }): Promise<number> {
      writeBytes(io, out, JSON.stringify(await toKeyFile(r, key), null, 2) + '\n', 0o600);
      if (cert) writeBytes(io, cert, certificateToPem(key.certificate));
      const c = parseCertificate(key.certificate);
      const info = { ok: true, role: r, out, subject: c.subject.text, issuer: c.issuer.text, notBefore: new Date(c.notBefore).toISOString(), notAfter: new Date(c.notAfter).toISOString() };
      emit(io, json, info, `${r.toUpperCase()} "${info.subject}" valid ${info.notBefore} to ${info.notAfter} → ${out}${cert ? ` (certificate: ${cert})` : ''}`);
      return 0;
    }
  },
};
