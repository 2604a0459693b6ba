import { beforeAll, describe, expect, it, inject } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { cliIn } from '../testing/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'eidkit-cli-'));

const cli = cliIn(dir);

const person = {
  family_name: 'Zhang',
  given_name: 'Wei',
  birth_date: '1990-05-17',
  sex: 1,
  nationality: 'CN',
  document_number: '310101199005170011',
  issue_date: '2024-01-10',
  expiry_date: '2034-01-10',
  issuing_authority: 'Shanghai PSB',
  issuing_country: 'CN',
};

describe('eidkit credential commands', () => {
  beforeAll(async () => {
    expect((await cli('keygen', '--role', 'iaca', '--country', 'CN', '--name', 'Shanghai IACA', '--out', 'iaca.json', '--cert', 'iaca.pem')).code).toBe(0);
    expect((await cli('keygen', '--role', 'ds', '--iaca', 'iaca.json', '--name', 'Shanghai DS 1', '--out', 'ds.json')).code).toBe(0);
    expect((await cli('keygen', '--role', 'trust-list', '--key-id', 'cn-trust-1', '--out', 'tl.json')).code).toBe(0);
    expect((await cli('keygen', '--role', 'device', '--out', 'device.json')).code).toBe(0);
    writeFileSync(join(dir, 'issuers.json'), JSON.stringify([{ id: 'cn-sh', name: 'Shanghai PSB', country: 'CN', iaca: ['iaca.json'], ds: ['ds.json'] }]));
    expect((await cli('trust-list', 'build', '--key', 'tl.json', '--issuers', 'issuers.json', '--version', '1', '--out', 'trust.cbor')).code).toBe(0);
    expect((await cli('status', 'init', '--state', 'state.json', '--uri', 'https://sh.example/status/1', '--size', '500')).code).toBe(0);
    writeFileSync(join(dir, 'person.json'), JSON.stringify(person));
    writeFileSync(join(dir, 'face.bin'), crypto.getRandomValues(new Uint8Array(256)));
    const issued = await cli('issue', '--ds', 'ds.json', '--data', 'person.json', '--device', 'device.json', '--template', 'face.bin', '--template-model', 'test', '--template-version', '1', '--status-state', 'state.json', '--out', 'cred.cbor', '--json');
    expect(issued.code).toBe(0);
    expect(issued.json().elements).toContain('biometric_template_face');
    expect((await cli('status', 'publish', '--state', 'state.json', '--key', 'ds.json', '--out', 'status.cbor')).code).toBe(0);
  });

  it('key files are private (mode 600) and the trust list shows its issuers', async () => {
    const { statSync } = await import('node:fs');
    expect(statSync(join(dir, 'ds.json')).mode & 0o777).toBe(0o600);
    const shown = await cli('trust-list', 'show', 'trust.cbor', '--anchor', 'tl.anchor.json', '--json');
    expect(shown.code).toBe(0);
    expect(shown.json().issuers[0]).toMatchObject({ id: 'cn-sh', country: 'CN', iaca: ['C=CN, CN=Shanghai IACA'] });
  });

  it('present → PNG → verify: exit 0 and a valid JSON report', async () => {
    const p = await cli('present', '--credential', 'cred.cbor', '--device', 'device.json', '--png', 'qr.png', '--json');
    expect(p.code).toBe(0);
    expect(p.json().qrVersion).toBeLessThanOrEqual(30);
    const v = await cli('verify', 'qr.png', '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--status', 'status.cbor', '--json');
    expect(v.code).toBe(0);
    const report = v.json();
    expect(report.verdict).toBe('valid');
    expect(report.elements.family_name).toBe('Zhang');
    // Plain text QR and the human report too.
    const text = (await cli('present', '--credential', 'cred.cbor', '--device', 'device.json')).out.trim();
    expect(text.startsWith('EID1:')).toBe(true);
    const h = await cli('verify', text, '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--status', 'status.cbor');
    expect(h.code).toBe(0);
    expect(h.out).toContain('VALID');
    expect(h.out).toContain('family_name: "Zhang"');
  });

  it('reads a JPEG photo of the QR on a larger, noisy background', async () => {
    const png = PNG.sync.read(readFileSync(join(dir, 'qr.png')));
    const W = png.width + 400;
    const H = png.height + 300;
    const data = new Uint8Array(W * H * 4);
    // A desk-like background: a soft gradient with slight sensor noise (JPEG adds its own artefacts).
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const n = 120 + Math.floor((60 * x) / W + (30 * y) / H) + Math.floor(Math.random() * 8);
        data.set([n, n - 10, n - 25, 255], (y * W + x) * 4);
      }
    }
    for (let y = 0; y < png.height; y++) data.set(png.data.subarray(y * png.width * 4, (y + 1) * png.width * 4), ((y + 150) * W + 200) * 4);
    writeFileSync(join(dir, 'photo.jpg'), jpeg.encode({ data, width: W, height: H }, 85).data);
    const v = await cli('verify', 'photo.jpg', '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--status', 'status.cbor', '--json');
    expect(v.json().verdict).toBe('valid');
    expect(v.code).toBe(0);
  });

  it('without a status list: exit 3 (status unknown)', async () => {
    const text = (await cli('present', '--credential', 'cred.cbor', '--device', 'device.json')).out.trim();
    const unknown = await cli('verify', text, '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--json');
    expect(unknown.code).toBe(3);
    expect(unknown.json().verdict).toBe('warning');
    expect(unknown.json().checks.find((c: { check: string }) => c.check === 'status.entry').code).toBe('credential/status-unknown');
  });

  it('two-way from the command line, and the wrong challenge fails', async () => {
    const c = await cli('verify', 'challenge', '--png', 'challenge.png', '--json');
    expect(c.code).toBe(0);
    const challenge = c.json().text as string;
    writeFileSync(join(dir, 'challenge.txt'), challenge);
    const p = await cli('present', '--credential', 'cred.cbor', '--device', 'device.json', '--challenge', 'challenge.txt', '--disclose', 'age-over-18', '--out', 'answer.cbor', '--json');
    expect(p.json()).toMatchObject({ mode: 'two-way', disclosed: ['age_over_18'] });
    const ok = await cli('verify', 'answer.cbor', '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--status', 'status.cbor', '--challenge', challenge, '--json');
    expect(ok.code).toBe(0);
    const other = (await cli('verify', 'challenge', '--json')).json().text as string;
    const bad = await cli('verify', 'answer.cbor', '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--status', 'status.cbor', '--challenge', other, '--json');
    expect(bad.code).toBe(1);
    expect(bad.json().checks.map((x: { code: string }) => x.code)).toContain('credential/challenge-mismatch');
  });

  it('--at outside the window: stale, exit 1', async () => {
    const text = (await cli('present', '--credential', 'cred.cbor', '--device', 'device.json', '--at', new Date(Date.now() - 120_000).toISOString())).out.trim();
    const v = await cli('verify', text, '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--status', 'status.cbor', '--json');
    expect(v.code).toBe(1);
    expect(v.json().checks.find((x: { check: string }) => x.check === 'freshness.window').code).toBe('credential/stale');
  });

  it('an animated sequence (all elements + portrait) as PNG frames verifies in any order', async () => {
    const portrait = crypto.getRandomValues(new Uint8Array(3000));
    portrait.set([0xff, 0xd8]);
    writeFileSync(join(dir, 'portrait.jpg'), portrait);
    writeFileSync(join(dir, 'person2.json'), JSON.stringify({ ...person, portrait: 'portrait.jpg' }));
    expect((await cli('issue', '--ds', 'ds.json', '--data', 'person2.json', '--device', 'device.json', '--status-state', 'state.json', '--out', 'cred2.cbor')).code).toBe(0);
    expect((await cli('status', 'publish', '--state', 'state.json', '--key', 'ds.json', '--out', 'status2.cbor')).code).toBe(0);
    const p = await cli('present', '--credential', 'cred2.cbor', '--device', 'device.json', '--disclose', 'all', '--png', 'anim.png', '--frames', '--json');
    const pngs = p.json().png as string[];
    expect(pngs.length).toBeGreaterThan(2);
    const v = await cli('verify', ...pngs.reverse(), '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--status', 'status2.cbor', '--json');
    expect(v.json().verdict).toBe('valid');
    expect(v.json().elements.portrait).toBeTypeOf('string'); // base64 in JSON
    const partial = await cli('verify', pngs[0]!, '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--json');
    expect(partial.code).toBe(1);
    expect(partial.json().error.code).toBe('cli/incomplete');
  });

  it('revoke + publish, then the credential is rejected', async () => {
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    const allocated = Buffer.from(state.allocated, 'base64');
    const index = allocated.findIndex((b) => b === 1);
    expect((await cli('status', 'revoke', '--state', 'state.json', '--index', String(index), '--key', 'ds.json', '--out', 'revoked.cbor')).code).toBe(0);
    const shown = await cli('status', 'show', '--state', 'state.json', '--index', String(index), '--json');
    expect(shown.json()).toMatchObject({ status: 'invalid', invalid: 1 });
    // Whichever of the two credentials got that index is now rejected.
    const results = [];
    for (const c of ['cred.cbor', 'cred2.cbor']) {
      const text = (await cli('present', '--credential', c, '--device', 'device.json', '--disclose', 'age-over-18')).out.trim();
      results.push(await cli('verify', text, '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--status', 'revoked.cbor', '--json'));
    }
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    expect(results.find((r) => r.code === 1)!.json().checks.map((x: { code: string }) => x.code)).toContain('credential/revoked');
  });

  it('bad input gives a typed error and exit 1, never a crash', async () => {
    const r = await cli('verify', 'not-a-file-and-not-a-qr', '--json');
    expect(r.code).toBe(1);
    expect(r.json().verdict).toBe('invalid');
    const k = await cli('issue', '--ds', 'missing.json', '--data', 'person.json', '--device', 'device.json', '--out', 'x.cbor', '--json');
    expect(k.code).toBe(1);
    expect(k.json().error.code).toBe('cli/file');
    writeFileSync(join(dir, 'bad-person.json'), JSON.stringify({ ...person, birth_date: '1990-02-30' }));
    const b = await cli('issue', '--ds', 'ds.json', '--data', 'bad-person.json', '--device', 'device.json', '--out', 'x.cbor', '--json');
    expect(b.json().error).toMatchObject({ code: 'credential/bad-input', details: { element: 'birth_date' } });
    expect(existsSync(join(dir, 'x.cbor'))).toBe(false);
  });
});

describe.skipIf(!inject('fixturesPresent'))('eidkit verify on the ISO 18013-5 vector (needs EIDKIT_FIXTURES)', () => {
  it('hex file at 2021-01-01: invalid (untrusted, MAC), issuer signature and digests pass', async () => {
    const file = join(inject('fixtures'), 'iso18013-5/device-response-D.4.1.2.hex');
    const v = await cli('verify', file, '--at', '2021-01-01T00:00:00Z', '--doc-type', 'org.iso.18013.5.1.mDL', '--json');
    expect(v.code).toBe(1);
    const checks = v.json().checks as { check: string; outcome: string; code: string }[];
    expect(checks.find((c) => c.check === 'issuer.signature')!.outcome).toBe('pass');
    expect(checks.find((c) => c.check === 'integrity.digests')!.outcome).toBe('pass');
    expect(checks.find((c) => c.check === 'issuer.chain')!.code).toBe('credential/chain-untrusted');
    expect(checks.find((c) => c.check === 'device.signature')!.code).toBe('credential/device-mac-not-checkable');
  });
});
