import { existsSync } from 'node:fs';
import type { CliCommand } from '../command.ts';
import { flagString, parseArgs } from '../command.ts';
import { EidkitError } from '../../errors.ts';
import { createPresentation } from '../../credential/present.ts';
import { signerOf } from '../../credential/issuer-keys.ts';
import { DISCLOSURE_PRESETS } from '../../credential/model.ts';
import { challengeFromQr } from '../../credential/transcript.ts';
import { toQrFrames, toQrText } from '../../credential/qr-codec.ts';
import { qrMatrix } from '../../credential/qr-image.ts';
import { dateFlag, emit, loadKey, path, qrPng, readBytes, readText, required, writeBytes } from './credential-files.ts';

const usage = `usage: eidkit present --credential credential.cbor --device device.json [options] [--json]

  --disclose <default|age-over-18|name-and-face|all|element,element,...>   what to reveal (default: default =
                  family_name, given_name, age_over_18, document_number, expiry_date, biometric_template_face)
  --challenge <EIDC1:... text or file>   answer a verifier's challenge (two-way); otherwise one-way, bound to now
  --at <ISO time>  one-way presentation time (default now)
  --embed-cert     carry the document signer certificate (for verifiers whose trust list holds only the IACA)
  --png qr.png     also write the QR image (qr-1.png, qr-2.png ... when it needs an animated sequence)
  --out p.cbor     also write the presentation envelope (CBOR)
  --frames         always use the animated multi-frame form

Prints the QR text. One-way codes are valid for the verifier's window (60 s by default): show a fresh one.`;

const PRESETS: Record<string, readonly string[] | 'all'> = {
  default: DISCLOSURE_PRESETS.default,
  'age-over-18': DISCLOSURE_PRESETS.ageOver18,
  'name-and-face': DISCLOSURE_PRESETS.nameAndFace,
  all: 'all',
};

export const presentCommand: CliCommand = {
  name: 'present',
  summary: 'make a holder-signed presentation QR (text and PNG) disclosing chosen elements, one-way or two-way',
  usage,
  async run(argv, io) {
    const args = parseArgs(argv, ['json', 'help', 'embed-cert', 'frames']);
    const json = args.flags.has('json');
    const credential = readBytes(io, required(args, 'credential', 'credential.cbor'));
    const device = await loadKey(io, required(args, 'device', 'device.json'), 'device');
    const choice = flagString(args, 'disclose') ?? 'default';
    const disclose = PRESETS[choice] ?? choice.split(',').map((s) => s.trim()).filter(Boolean);
    const challengeArg = flagString(args, 'challenge');
    const challenge = challengeArg
      ? challengeFromQr(existsSync(path(io, challengeArg)) ? readText(io, challengeArg) : challengeArg)
      : undefined;
    const at = dateFlag(args, 'at');
    const p = await createPresentation({
      credential,
      disclose,
      deviceSigner: signerOf(device),
      mode: challenge ? { kind: 'two-way', challenge } : { kind: 'one-way', ...(at ? { at } : {}) },
      embedCertificate: args.flags.has('embed-cert'),
    });
    const out = flagString(args, 'out');
    if (out) writeBytes(io, out, p.bytes);
    const single = toQrText(p.bytes);
    let version: number | undefined;
    try {
      version = qrMatrix(single).version;
    } catch {
      version = undefined;
    }
    const frames = args.flags.has('frames') || version === undefined ? toQrFrames(p.bytes) : [single];
    const png = flagString(args, 'png');
    const pngs: string[] = [];
    if (png) {
      if (frames.length === 1) {
        writeBytes(io, png, qrPng(frames[0]!));
        pngs.push(png);
      } else {
        frames.forEach((f, i) => {
          const name = png.replace(/(\.png)?$/i, `-${i + 1}.png`);
          writeBytes(io, name, qrPng(f));
          pngs.push(name);
        });
      }
    }
    if (frames.length > 1 && !png && !json && !out) {
      throw new EidkitError('cli/too-large', 'This presentation needs an animated QR sequence: pass --png to write the frames (or --json).');
    }
    emit(
      io,
      json,
      { ok: true, mode: p.mode.kind, disclosed: p.disclosed, bytes: p.bytes.length, qrVersion: frames.length === 1 ? version ?? null : null, frames, png: pngs },
      frames.length === 1 ? frames[0]! : frames.join('\n'),
    );
    if (!json) io.err(`${p.mode.kind} presentation of ${p.disclosed.join(', ')}: ${frames.length === 1 ? `QR version ${version} (M)` : `${frames.length} frames`}${pngs.length ? ` → ${pngs.join(', ')}` : ''}`);
    return 0;
  },
};
