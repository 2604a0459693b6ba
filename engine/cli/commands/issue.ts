import { dirname } from 'node:path';
import type { CliCommand } from '../command.ts';
import { flagString, parseArgs } from '../command.ts';
import { EidkitError } from '../../errors.ts';
import { issueCredential, parseCredential, credentialElements } from '../../credential/mdoc.ts';
import { signerOf } from '../../credential/issuer-keys.ts';
import { decodeTemplate } from '../../face/template.ts';
import { fromBase64 } from '../../credential/bytes.ts';
import type { EidData, FaceTemplate } from '../../credential/model.ts';
import type { PublicKeyPoint } from '../../credential/crypto.ts';
import { allocateStatusIndex, statusStateFromJson, statusStateToJson } from '../../credential/status-list.ts';
import { dateFlag, emit, loadKey, numberFlag, path, readBytes, readJson, required, writeBytes } from './credential-files.ts';

const usage = `usage: eidkit issue --ds ds.json --data person.json --device device.json --out credential.cbor [options] [--json]

  --data person.json       identity data elements, e.g.
       {"family_name": "Zhang", "given_name": "Wei", "birth_date": "1990-05-17", "sex": 1, "nationality": "CN",
        "resident_address": "...", "document_number": "310101199005170011", "issue_date": "2024-01-10",
        "expiry_date": "2034-01-10", "issuing_authority": "Shanghai PSB", "issuing_country": "CN",
        "portrait": "portrait.jpg"}                       (portrait: a JPEG file path relative to person.json)
  --device device.json     the holder's device public key: an eidkit key file or a public JWK
  --template face.bin      the face template from \`eidkit template photo.jpg --out face.bin\` (model and version are
                           read from it; --template-model <id> --template-version <v> for another engine's bytes)
  --status-state state.json   give the credential a random free index of this status list (state is updated)
  --status-index <n> --status-uri <uri>   ...or set the status entry yourself
  --valid-from <ISO time> --valid-until <ISO time> | --valid-days <n>   (default: now, 365 days, within the DS cert)
  --ages 18,21,65          age_over_NN elements to derive (default 18)`;

function devicePublicKey(json: unknown): PublicKeyPoint {
  const j = json as { type?: string; privateKey?: JsonWebKey } & JsonWebKey;
  const jwk = j.type === 'eidkit-key' ? j.privateKey : j;
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
    throw new EidkitError('cli/usage', '--device must be an eidkit key file or a P-256 public JWK.');
  }
  const x = fromBase64(jwk.x);
  const y = fromBase64(jwk.y);
  if (x.length !== 32 || y.length !== 32) throw new EidkitError('cli/usage', 'The device key coordinates are not P-256.');
  return { curve: 'P-256', point: new Uint8Array([4, ...x, ...y]) };
}

export const issueCommand: CliCommand = {
  name: 'issue',
  summary: 'issue an ISO 18013-5 eID credential from a JSON file of data elements, bound to a holder device key',
  usage,
  async run(argv, io) {
    const args = parseArgs(argv);
    const json = args.flags.has('json');
    const ds = await loadKey(io, required(args, 'ds', 'ds.json'), 'ds');
    const dataPath = required(args, 'data', 'person.json');
    const raw = readJson(io, dataPath) as Record<string, unknown>;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new EidkitError('cli/usage', `${dataPath} must hold a JSON object.`);
    const data: Record<string, unknown> = { ...raw };
    const rel = { ...io, cwd: dirname(path(io, dataPath)) };
    if (typeof data.portrait === 'string') data.portrait = readBytes(rel, data.portrait);
    const templatePath = flagString(args, 'template');
    if (templatePath) {
      const bytes = readBytes(io, templatePath);
      // An eidkit template names its model and version in its header; the flags override (or supply them for another
      // engine's opaque template).
      let header: { model: string; version: string } | undefined;
      try {
        const h = decodeTemplate(bytes);
        header = { model: h.model, version: String(h.modelVersion) };
      } catch {
        header = undefined;
      }
      const model = flagString(args, 'template-model') ?? header?.model;
      const version = flagString(args, 'template-version') ?? header?.version;
      if (!model || !version) {
        throw new EidkitError('cli/usage', `${templatePath} is not an eidkit face template (made by \`eidkit template\`): give --template-model <id> and --template-version <v>.`);
      }
      const t: FaceTemplate = { model, version, data: bytes };
      data.biometric_template_face = t;
    }
    const device = devicePublicKey(readJson(io, required(args, 'device', 'device.json')));
    let status: { index: number; uri: string } | undefined;
    const statePath = flagString(args, 'status-state');
    let saveState: (() => void) | undefined;
    if (statePath) {
      const allocated = allocateStatusIndex(statusStateFromJson(readJson(io, statePath)));
      status = { index: allocated.index, uri: allocated.state.uri };
      saveState = () => writeBytes(io, statePath, JSON.stringify(statusStateToJson(allocated.state)) + '\n', 0o600);
    } else if (flagString(args, 'status-index') !== undefined) {
      status = { index: numberFlag(args, 'status-index', 0), uri: required(args, 'status-uri', 'uri') };
    }
    const validFrom = dateFlag(args, 'valid-from');
    const validUntil =
      dateFlag(args, 'valid-until') ??
      (flagString(args, 'valid-days') ? new Date((validFrom ?? new Date()).getTime() + numberFlag(args, 'valid-days', 365) * 86_400_000) : undefined);
    const ages = flagString(args, 'ages');
    const bytes = await issueCredential({
      data: data as unknown as EidData,
      devicePublicKey: device,
      documentSigner: { certificate: ds.certificate!, signer: signerOf(ds) },
      ...(validFrom ? { validFrom, signed: validFrom } : {}),
      ...(validUntil ? { validUntil } : {}),
      ...(status ? { status } : {}),
      ...(ages ? { ageThresholds: ages.split(',').map(Number) } : {}),
    });
    const out = required(args, 'out', 'credential.cbor');
    writeBytes(io, out, bytes);
    saveState?.();
    const c = parseCredential(bytes);
    const info = {
      ok: true,
      out,
      bytes: bytes.length,
      elements: Object.keys(credentialElements(c)),
      validFrom: new Date(c.mso.validFrom).toISOString(),
      validUntil: new Date(c.mso.validUntil).toISOString(),
      status: c.mso.status ?? null,
    };
    emit(io, json, info, `Issued ${info.elements.length} elements, valid ${info.validFrom} to ${info.validUntil}${status ? `, status index ${status.index}` : ''} → ${out} (${bytes.length} bytes)`);
    return 0;
  },
};
