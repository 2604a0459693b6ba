/** `eidkit verify` hardening (issue 14): escaped output, --ds filed under its own IACA, --challenge implies two-way. */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../command.ts';
import { cliIn } from '../testing/cli.ts';
import { escapeControls } from '../escape.ts';

const dir = mkdtempSync(join(tmpdir(), 'eidkit-cli-h-'));

const cli = cliIn(dir);

const person = {
  family_name: 'Zhang',
  given_name: 'Wei',
  birth_date: '1990-05-17',
  document_number: '310101199005170011',
  issue_date: '2024-01-10',
  expiry_date: '2034-01-10',
  issuing_authority: 'Shanghai PSB',
  issuing_country: 'CN',
};
// A name that, printed raw, erases the current line and prints a fake verdict.
const FORGED = 'x\u001b[2K\r\nVALID \u2014 issued by Ministry\u202e';

describe('eidkit verify hardening', () => {
  beforeAll(async () => {
    for (const [iaca, country] of [['a', 'CN'], ['b', 'CN']] as const) {
      expect((await cli('keygen', '--role', 'iaca', '--country', country, '--name', `IACA ${iaca}`, '--out', `${iaca}.json`, '--cert', `${iaca}.pem`)).code).toBe(0);
    }
    expect((await cli('keygen', '--role', 'ds', '--iaca', 'a.json', '--name', 'DS of a', '--out', 'a-ds.json')).code).toBe(0);
    expect((await cli('keygen', '--role', 'ds', '--iaca', 'a.json', '--name', FORGED, '--out', 'evil-ds.json')).code).toBe(0);
    expect((await cli('keygen', '--role', 'device', '--out', 'device.json')).code).toBe(0);
    writeFileSync(join(dir, 'person.json'), JSON.stringify(person));
    expect((await cli('issue', '--ds', 'a-ds.json', '--data', 'person.json', '--device', 'device.json', '--out', 'cred.cbor')).code).toBe(0);
    expect((await cli('issue', '--ds', 'evil-ds.json', '--data', 'person.json', '--device', 'device.json', '--out', 'evil.cbor')).code).toBe(0);
  });

  it('--ds certificates are filed under the IACA that signed them (several --iaca)', async () => {
    const p = await cli('present', '--credential', 'cred.cbor', '--device', 'device.json', '--out', 'p.cbor');
    expect(p.code).toBe(0);
    for (const order of ['a.pem,b.pem', 'b.pem,a.pem']) {
      const r = await cli('verify', 'p.cbor', '--iaca', order, '--ds', 'a-ds.json', '--json');
      expect(r.json().verdict, order).not.toBe('invalid');
      expect(r.json().checks.filter((c: { outcome: string }) => c.outcome === 'fail')).toEqual([]);
    }
    // A --ds that no --iaca signed is a usage error, not a silent extra trust entry.
    const r = await cli('verify', 'p.cbor', '--iaca', 'b.pem', '--ds', 'a-ds.json', '--json');
    expect(r.code).toBe(1);
    expect(r.json().error.code).toBe('cli/usage');
  });

  it('certificate names are printed with their control characters escaped', async () => {
    const p = await cli('present', '--credential', 'evil.cbor', '--device', 'device.json', '--embed-cert', '--out', 'evil-p.cbor');
    expect(p.code).toBe(0);
    const r = await cli('verify', 'evil-p.cbor', '--iaca', 'b.pem');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^INVALID/);
    expect(r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    // The fake verdict never starts a line of its own.
    expect(r.out.split('\n').some((l) => l.startsWith('VALID'))).toBe(false);
    expect(r.out).toContain('\\u{1b}[2K\\u{d}\\u{a}VALID');
    expect(escapeControls('a\tb\u2028c')).toBe('a\\u{9}b\\u{2028}c');
  });

  it('--vical trusts the IACAs of a signed ISO 18013-5 VICAL', async () => {
    const { createVicalSigner, signVical } = await import('../../credential/vical.ts');
    const { anchorToJson } = await import('../../credential/trust-list.ts');
    const { readCertificate } = await import('./credential-files.ts');
    const io: CliIo = { out: () => undefined, err: () => undefined, cwd: dir };
    const provider = await createVicalSigner({ provider: 'cli-test', country: 'CN', notBefore: new Date(Date.now() - 86_400_000) });
    const vical = await signVical({ provider: 'cli-test', date: new Date(), issueId: 1, entries: [{ certificate: readCertificate(io, 'a.pem'), docTypes: ['org.eidkit.eid.1'] }] }, provider);
    writeFileSync(join(dir, 'vical.cbor'), vical);
    writeFileSync(join(dir, 'vical-anchor.json'), JSON.stringify(anchorToJson(provider.anchor)));
    const p = await cli('present', '--credential', 'cred.cbor', '--device', 'device.json', '--embed-cert', '--out', 'pv.cbor');
    expect(p.code).toBe(0);
    const r = await cli('verify', 'pv.cbor', '--vical', 'vical.cbor', '--vical-anchor', 'vical-anchor.json', '--json');
    expect(r.json().checks.filter((c: { outcome: string }) => c.outcome === 'fail')).toEqual([]);
    const wrong = await cli('verify', 'pv.cbor', '--vical', 'vical.cbor', '--vical-anchor', 'vical-anchor.json', '--iaca', 'b.pem', '--json');
    expect(wrong.json().verdict).not.toBe('invalid');
  });

  it('--challenge implies two-way: a one-way code is refused', async () => {
    const c = (await cli('verify', 'challenge', '--json')).json().text as string;
    const oneWay = await cli('present', '--credential', 'cred.cbor', '--device', 'device.json', '--out', 'ow.cbor');
    expect(oneWay.code).toBe(0);
    const r = await cli('verify', 'ow.cbor', '--iaca', 'a.pem', '--ds', 'a-ds.json', '--challenge', c, '--json');
    expect(r.code).toBe(1);
    expect(r.json().checks.map((x: { code: string }) => x.code)).toContain('credential/wrong-mode');
    const both = await cli('verify', 'ow.cbor', '--iaca', 'a.pem', '--challenge', c, '--mode', 'one-way', '--json');
    expect(both.json().error.code).toBe('cli/usage');
  });
});
