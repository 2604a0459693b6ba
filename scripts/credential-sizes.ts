/**
 * Prints the QR budget of typical presentations: bytes per part, compressed size, QR characters and version at level M.
 * Run: npx tsx scripts/credential-sizes.ts [--json]
 */
import {
  createPresentation,
  createTestIssuer,
  DISCLOSURE_PRESETS,
  generateP256KeyPair,
  issueCredential,
  measurePresentation,
  publicKeyPoint,
  signerOf,
  toQrFrames,
  webCryptoSigner,
} from '../engine/credential/index.ts';

const now = new Date();
const issuer = await createTestIssuer({ now });
const device = await generateP256KeyPair(false);
// A face template is opaque to credentials; the budget assumes the face module's 256 bytes (random = incompressible).
const template = { model: 'eidkit-face', version: '1', data: crypto.getRandomValues(new Uint8Array(256)) };
const portrait = new Uint8Array(6000);
portrait.set([0xff, 0xd8]);
crypto.getRandomValues(portrait.subarray(2, 6000));
const credential = await issueCredential({
  data: {
    family_name: 'Zhang',
    given_name: 'Wei',
    birth_date: '1990-05-17',
    sex: 1,
    nationality: 'CN',
    resident_address: '200 Renmin Avenue, Huangpu District, Shanghai',
    document_number: '310101199005170011',
    issue_date: '2024-01-10',
    expiry_date: '2034-01-10',
    issuing_authority: 'Shanghai Public Security Bureau',
    issuing_country: 'CN',
    portrait,
    biometric_template_face: template,
  },
  devicePublicKey: await publicKeyPoint(device.publicKey),
  documentSigner: { certificate: issuer.ds.certificate, signer: signerOf(issuer.ds) },
  status: { index: 4711, uri: issuer.statusUri },
});
const cases: [string, readonly string[] | 'all', boolean][] = [
  ['default (name, age_over_18, document number, expiry, face template)', DISCLOSURE_PRESETS.default, false],
  ['default with the DS certificate embedded', DISCLOSURE_PRESETS.default, true],
  ['age over 18 only', DISCLOSURE_PRESETS.ageOver18, false],
  ['name + face', DISCLOSURE_PRESETS.nameAndFace, false],
  ['everything incl. a 6 KB portrait', 'all', false],
];
const rows = [];
for (const [name, disclose, embed] of cases) {
  const p = await createPresentation({
    credential,
    disclose,
    deviceSigner: webCryptoSigner(device.privateKey),
    mode: { kind: 'one-way', at: now },
    embedCertificate: embed,
  });
  const m = measurePresentation(p.bytes);
  rows.push({ name, ...m, frames: m.qrVersion === undefined || m.qrVersion > 30 ? toQrFrames(p.bytes).length : 1 });
}
if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else {
  for (const r of rows) {
    console.log(`\n${r.name}`);
    console.log(`  envelope ${r.envelopeBytes} B → deflate ${r.compressedBytes} B → ${r.qrChars} QR chars → version ${r.qrVersion ?? '>40'} (M)${r.frames > 1 ? `, or ${r.frames} animated frames` : ''}`);
    console.log(`  parts: ${Object.entries(r.parts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`  elements: ${Object.entries(r.elements).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
}
