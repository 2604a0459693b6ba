// What an integrator meets first on the command line: missing files named as such, a report even when a status list
// cannot be trusted, and a face template made from a photo and issued without naming its model by hand.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliIn } from '../testing/cli.ts';
import { parseCredential, credentialElements } from '../../credential/mdoc.ts';
import { decodeTemplate } from '../../face/template.ts';

const dir = mkdtempSync(join(tmpdir(), 'eidkit-cli-integrator-'));
const cli = cliIn(dir);
const fixtures = inject('fixtures');
const person = {
  family_name: 'Li', given_name: 'Na', birth_date: '1988-03-02', document_number: 'X123', issue_date: '2024-01-10',
  expiry_date: '2034-01-10', issuing_authority: 'Shanghai PSB', issuing_country: 'CN',
};

beforeAll(async () => {
  for (const args of [
    ['keygen', '--role', 'iaca', '--country', 'CN', '--name', 'IACA', '--out', 'iaca.json'],
    ['keygen', '--role', 'ds', '--iaca', 'iaca.json', '--name', 'DS 1', '--out', 'ds.json'],
    ['keygen', '--role', 'iaca', '--country', 'CN', '--name', 'Other IACA', '--out', 'other.json'],
    ['keygen', '--role', 'ds', '--iaca', 'other.json', '--name', 'Other DS', '--out', 'other-ds.json'],
    ['keygen', '--role', 'trust-list', '--key-id', 'tl-1', '--out', 'tl.json'],
    ['keygen', '--role', 'device', '--out', 'device.json'],
    ['status', 'init', '--state', 'state.json', '--uri', 'https://x.example/s/1', '--size', '100'],
    ['status', 'init', '--state', 'other-state.json', '--uri', 'https://x.example/s/1', '--size', '100'],
  ]) expect((await cli(...args)).code, args.join(' ')).toBe(0);
  writeFileSync(join(dir, 'issuers.json'), JSON.stringify([{ id: 'cn', name: 'PSB', country: 'CN', iaca: ['iaca.json'], ds: ['ds.json'] }]));
  writeFileSync(join(dir, 'person.json'), JSON.stringify(person));
  expect((await cli('trust-list', 'build', '--key', 'tl.json', '--issuers', 'issuers.json', '--version', '1', '--out', 'trust.cbor')).code).toBe(0);
  expect((await cli('issue', '--ds', 'ds.json', '--data', 'person.json', '--device', 'device.json', '--status-state', 'state.json', '--out', 'cred.cbor')).code).toBe(0);
  expect((await cli('present', '--credential', 'cred.cbor', '--device', 'device.json', '--png', 'qr.png')).code).toBe(0);
  // A status list signed by a DS the trust list does not name.
  expect((await cli('status', 'publish', '--state', 'other-state.json', '--key', 'other-ds.json', '--out', 'untrusted-status.cbor')).code).toBe(0);
});

describe('eidkit verify names what is wrong and still reports', () => {
  it('a presentation file that is not there is "no such file", not "not an eidkit QR code"', async () => {
    const r = await cli('verify', 'nothing.png', '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Cannot read nothing\.png: no such file.*\[cli\/file\]/);
  });

  it('a missing trust or status file is named', async () => {
    const r = await cli('verify', 'qr.png', '--trust', 'nope.cbor', '--anchor', 'tl.anchor.json');
    expect(r.err).toMatch(/Cannot read nope\.cbor: no such file/);
    const s = await cli('verify', 'qr.png', '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--status', 'gone.cbor');
    expect(s.err).toMatch(/Cannot read gone\.cbor: no such file/);
  });

  it('--status with a list the trust cannot vouch for: the report is printed (status unknown, exit 3) and the list is named', async () => {
    const r = await cli('verify', 'qr.png', '--trust', 'trust.cbor', '--anchor', 'tl.anchor.json', '--status', 'untrusted-status.cbor', '--json');
    expect(r.err).toMatch(/status list untrusted-status\.cbor left out: .*\[credential\/status-list-untrusted\]/);
    expect(r.code).toBe(3);
    const report = r.json();
    expect(report.verdict).toBe('warning');
    expect(report.byCategory.status[0].code).toBe('credential/status-unknown');
    expect(report.elements.family_name).toBe('Li');
  });
});

describe.skipIf(!inject('fixturesPresent'))('eidkit template <photo> (needs EIDKIT_FIXTURES)', () => {
  it('makes a template from a portrait, and issue reads its model and version from it', async () => {
    const photo = join(fixtures, 'faces/people/angelina_jolie/img1.jpg');
    const t = await cli('template', photo, '--out', 'face.bin', '--json');
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    const made = t.json();
    const bytes = new Uint8Array(readFileSync(join(dir, 'face.bin')));
    const header = decodeTemplate(bytes);
    expect(made).toMatchObject({ model: header.model, version: String(header.modelVersion), bytes: bytes.length });
    const issued = await cli('issue', '--ds', 'ds.json', '--data', 'person.json', '--device', 'device.json', '--template', 'face.bin', '--out', 'cred-face.cbor');
    expect(issued.err).toBe('');
    const elements = credentialElements(parseCredential(new Uint8Array(readFileSync(join(dir, 'cred-face.cbor')))));
    expect(elements.biometric_template_face).toEqual({ model: header.model, version: String(header.modelVersion), data: bytes });
  });

  it('a photo without a face, a missing photo, and bytes that are no template are each named', async () => {
    const blank = await cli('template', join(fixtures, 'faces/edge/blank-white.png'), '--out', 'x.bin');
    expect(blank.code).toBe(1);
    expect(blank.err).toMatch(/\[face\/no-face\]/);
    const missing = await cli('template', 'missing.jpg', '--out', 'x.bin');
    expect(missing.err).toMatch(/No image file at .*missing\.jpg\. \[face\/file-not-found\]/);
    writeFileSync(join(dir, 'random.bin'), new Uint8Array(64).fill(7));
    const opaque = await cli('issue', '--ds', 'ds.json', '--data', 'person.json', '--device', 'device.json', '--template', 'random.bin', '--out', 'y.cbor');
    expect(opaque.code).toBe(1);
    expect(opaque.err).toMatch(/not an eidkit face template.*--template-model/);
  });
});
