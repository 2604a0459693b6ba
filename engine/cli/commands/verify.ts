import { existsSync } from 'node:fs';
import type { CliCommand, CliIo } from '../command.ts';
import { flagString, parseArgs } from '../command.ts';
import { EidkitError } from '../../errors.ts';
import { verifyPresentation, CHECK_CATEGORIES, type VerificationReport, type VerifyPolicy } from '../../credential/verify.ts';
import { anchorFromJson, emptyTrustList, localTrustList, openTrustList, type TrustList } from '../../credential/trust-list.ts';
import { openStatusList, type StatusList } from '../../credential/status-list.ts';
import { challengeFromQr, createChallenge } from '../../credential/transcript.ts';
import { QrAssembler } from '../../credential/qr-codec.ts';
import { isSignedBy, nameAttribute, OID, parseCertificate } from '../../credential/x509.ts';
import { escapeControls } from '../escape.ts';
import { mergeTrustLists, openVical } from '../../credential/vical.ts';
import { dateFlag, decodeQrImage, emit, list, numberFlag, path, qrPng, readBytes, readCertificate, readJson, readText, writeBytes } from './credential-files.ts';

const usage = `usage: eidkit verify <input>... [--trust trust.cbor --anchor anchor.json] [--status status.cbor,...] [options] [--json]
       eidkit verify challenge [--png challenge.png]        (make a two-way challenge QR)

<input>: QR text (EID1:...), a PNG/JPEG photo or screenshot of the QR, a CBOR file, or hex; several inputs are the
frames of an animated QR sequence, in any order.
  --trust trust.cbor --anchor anchor.json   the signed trust list and the key it must be signed by
  --iaca iaca.pem,...  trust these IACA roots directly instead (and --ds ds.pem,... for referenced DS certificates)
  --vical vical.cbor --vical-anchor anchor.json   also trust an ISO 18013-5 Annex C VICAL signed by (a CA of) that key
  --status s.cbor,...  signed status lists (revocation); without one the status is reported unknown
  --at <ISO time>      verify as of this time (default now)
  --challenge <EIDC1:... text or file>   the challenge you showed (implies --mode two-way)
  --mode <any|one-way|two-way>  --window <seconds, default 60>  --require-status
  --doc-type <type,...>         accepted document types (default org.eidkit.eid.1)
Exit code: 0 valid, 3 valid with warnings (e.g. status unknown), 1 invalid or error.`;

async function readInput(io: CliIo, input: string, assembler: QrAssembler): Promise<Uint8Array | string | undefined> {
  let text: string | undefined;
  if (existsSync(path(io, input))) {
    const bytes = readBytes(io, input);
    if ((bytes[0] === 0x89 && bytes[1] === 0x50) || (bytes[0] === 0xff && bytes[1] === 0xd8)) text = decodeQrImage(bytes, input);
    else {
      const asText = new TextDecoder().decode(bytes).trim();
      if (/^EID/.test(asText) || /^[0-9a-fA-F\s]+$/.test(asText)) text = asText;
      else return bytes;
    }
  } else {
    text = input.trim();
    // Not a file, and not QR text or hex either: most likely a mistyped file name, so say that rather than "not an
    // eidkit QR code".
    if (!/^EID/.test(text) && !/^[0-9a-fA-F\s]+$/.test(text) && /[\\/]|\.[A-Za-z0-9]{1,5}$/.test(text)) {
      throw new EidkitError('cli/file', `Cannot read ${input}: no such file (give a QR photo, a CBOR or hex file, or the QR text itself).`, { path: input });
    }
  }
  if (text.startsWith('EIDM1:') || text.startsWith('EID1:')) {
    const s = assembler.add(text);
    return s.status === 'complete' ? s.bytes : undefined;
  }
  return text;
}

function human(r: VerificationReport): string {
  const mark = { pass: '✓', fail: '✗', warn: '!', skip: '-' } as const;
  // Every field below can carry text from the credential (certificate names, element values): escaped one by one so
  // none can start a line of its own.
  const e = escapeControls;
  const demo = r.issuer?.demo ? ' (demo issuer — not an identity document)' : '';
  const lines = [`${r.verdict.toUpperCase()}${r.issuer ? ` — issued by ${e(r.issuer.name)} (${e(r.issuer.country)})${demo}` : ''}`];
  for (const cat of CHECK_CATEGORIES) {
    const checks = r.byCategory[cat];
    if (!checks.length) continue;
    lines.push(`  ${cat}`);
    for (const c of checks) lines.push(`    ${mark[c.outcome]} ${e(c.message)}${c.outcome === 'pass' ? '' : ` [${e(c.code)}]`}`);
  }
  const el = Object.entries(r.elements);
  if (el.length) {
    lines.push('  disclosed data');
    for (const [k, v] of el) {
      const t = v as { model?: string; version?: string; data?: Uint8Array } | null;
      const shown =
        v instanceof Uint8Array
          ? `<${v.length} bytes>`
          : t && typeof t === 'object' && t.data instanceof Uint8Array
            ? `<face template ${e(String(t.model))} ${e(String(t.version))}, ${t.data.length} bytes>`
            : e(JSON.stringify(v) ?? String(v));
      lines.push(`    ${e(k)}: ${shown}`);
    }
  }
  if (r.trustList) lines.push(`  trust list v${r.trustList.version}, ${Math.floor(r.trustList.ageSeconds / 3600)} h old`);
  return lines.join('\n');
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'verify a presentation (QR text, QR photo, CBOR or hex) against a trust list and status lists, offline',
  usage,
  async run(argv, io) {
    const args = parseArgs(argv, ['json', 'help', 'require-status']);
    const json = args.flags.has('json');
    if (args.positional[0] === 'challenge') {
      const { challenge, qrText } = await createChallenge();
      const png = flagString(args, 'png');
      if (png) writeBytes(io, png, qrPng(qrText));
      emit(io, json, { ok: true, text: qrText, createdAt: new Date(challenge.createdAt).toISOString(), png: png ?? null }, qrText);
      return 0;
    }
    if (args.positional.length === 0) throw new EidkitError('cli/usage', `Give a presentation to verify.\n\n${usage}`);
    const now = dateFlag(args, 'at') ?? new Date();

    let trust: TrustList = emptyTrustList();
    const trustPath = flagString(args, 'trust');
    if (trustPath) {
      const anchorPath = flagString(args, 'anchor');
      if (!anchorPath) throw new EidkitError('cli/usage', '--trust needs --anchor <anchor.json>, the key the trust list must be signed by.');
      trust = await openTrustList(readBytes(io, trustPath), [anchorFromJson(readJson(io, anchorPath))], { now });
    } else if (flagString(args, 'iaca')) {
      const iacaPaths = list(args, 'iaca');
      const iaca = iacaPaths.map((p) => ({ der: readCertificate(io, p), cert: parseCertificate(readCertificate(io, p)) }));
      // Each --ds goes under the IACA that actually signed it, never under every --iaca.
      const dsUnder: Uint8Array[][] = iaca.map(() => []);
      for (const p of list(args, 'ds')) {
        const der = readCertificate(io, p);
        const cert = parseCertificate(der);
        let home = -1;
        for (let i = 0; i < iaca.length && home < 0; i++) if (await isSignedBy(cert, iaca[i]!.cert)) home = i;
        if (home < 0) throw new EidkitError('cli/usage', `--ds ${p} ("${escapeControls(cert.subject.text)}") is not signed by any --iaca certificate.`);
        dsUnder[home]!.push(der);
      }
      trust = await localTrustList(
        iaca.map(({ der, cert }, i) => ({
          id: `local-${i + 1}`,
          name: cert.subject.text,
          country: nameAttribute(cert.subject, OID.country) ?? '',
          iaca: [der],
          documentSigners: dsUnder[i]!,
        })),
        now,
      );
    }
    const vicalPath = flagString(args, 'vical');
    if (vicalPath) {
      const anchorPath = flagString(args, 'vical-anchor');
      if (!anchorPath) throw new EidkitError('cli/usage', '--vical needs --vical-anchor <anchor.json>, the key of the VICAL provider.');
      const vical = await openVical(readBytes(io, vicalPath), [anchorFromJson(readJson(io, anchorPath))], { now });
      for (const r of vical.refused) io.err(`eidkit verify: VICAL entry "${escapeControls(r.subject)}" left out: ${escapeControls(r.reason)}`);
      trust = trust.issuers.length ? mergeTrustLists([trust, vical.trust]) : vical.trust;
    }
    const status: StatusList[] = [];
    for (const p of list(args, 'status')) {
      const bytes = readBytes(io, p);
      try {
        status.push(await openStatusList(bytes, trust, { now }));
      } catch (e) {
        // A list this trust cannot vouch for is left out and said so; the report still comes (status unknown).
        if (!(e instanceof EidkitError)) throw e;
        io.err(`eidkit verify: status list ${p} left out: ${escapeControls(e.message)} [${e.code}]`);
      }
    }

    const assembler = new QrAssembler();
    let input: Uint8Array | string | undefined;
    for (const p of args.positional) input = (await readInput(io, p, assembler)) ?? input;
    if (input === undefined) throw new EidkitError('cli/incomplete', 'The animated QR sequence is incomplete: give every frame.');

    const challengeArg = flagString(args, 'challenge');
    const mode = flagString(args, 'mode') ?? (challengeArg ? 'two-way' : undefined);
    if (mode && !['any', 'one-way', 'two-way'].includes(mode)) throw new EidkitError('cli/usage', '--mode must be any, one-way or two-way.');
    // A challenge you showed means you want its answer: --challenge implies two-way, and contradicts --mode one-way.
    if (challengeArg && mode === 'one-way') throw new EidkitError('cli/usage', '--challenge needs a two-way answer; it cannot be combined with --mode one-way.');
    const docTypes = list(args, 'doc-type');
    const policy: VerifyPolicy = {
      windowSeconds: numberFlag(args, 'window', 60),
      requireStatus: args.flags.has('require-status'),
      ...(mode ? { mode: mode as 'any' } : {}),
      ...(docTypes.length ? { docTypes } : {}),
      ...(challengeArg ? { challenge: challengeFromQr(existsSync(path(io, challengeArg)) ? readText(io, challengeArg) : challengeArg) } : {}),
    };
    const report = await verifyPresentation(input, trust, status, now, policy);
    emit(io, json, { ok: report.verdict === 'valid', ...report }, human(report));
    return report.verdict === 'valid' ? 0 : report.verdict === 'warning' ? 3 : 1;
  },
};
