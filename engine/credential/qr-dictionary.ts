/**
 * The preset deflate dictionary of QR transport v1: the CBOR skeleton of an eidkit presentation with every random or
 * personal value left empty. It is part of the wire format — changing a single byte breaks every QR in the field, so a
 * test pins its SHA-256; a new dictionary means a new prefix (EID2:). Frequent fragments sit at the end (shorter
 * back-references).
 */
import { encodeCbor, Tagged, type CborEncodable } from './cbor.ts';

const NS = 'org.eidkit.eid.1';
const item = (id: number, name: string, value: CborEncodable): Uint8Array =>
  encodeCbor({ digestID: id, random: new Uint8Array(0), elementIdentifier: name, elementValue: value });

function skeleton(): Uint8Array {
  const tdate = new Tagged(0, '2025-01-01T00:00:00Z');
  const date = new Tagged(1004, '2000-01-01');
  const mso = encodeCbor({
    version: '1.0',
    digestAlgorithm: 'SHA-256',
    valueDigests: new Map([[NS, new Map([[0, new Uint8Array(0)], [1, new Uint8Array(0)]])]]),
    deviceKeyInfo: { deviceKey: new Map<number, CborEncodable>([[1, 2], [-1, 1], [-2, new Uint8Array(0)], [-3, new Uint8Array(0)]]) },
    docType: NS,
    validityInfo: { signed: tdate, validFrom: tdate, validUntil: tdate },
    status: { status_list: { idx: 0, uri: 'https://' } },
  });
  const items = [
    item(0, 'family_name', ''),
    item(1, 'given_name', ''),
    item(2, 'birth_date', date),
    item(3, 'age_over_18', true),
    item(4, 'age_over_21', true),
    item(5, 'age_over_65', false),
    item(6, 'sex', 1),
    item(7, 'nationality', 'CN'),
    item(8, 'resident_address', ''),
    item(9, 'document_number', ''),
    item(10, 'issue_date', date),
    item(11, 'expiry_date', date),
    item(12, 'issuing_authority', ''),
    item(13, 'issuing_country', 'CN'),
    item(14, 'portrait', new Uint8Array(0)),
    item(15, 'biometric_template_face', { model: '', version: '', data: new Uint8Array(0) }),
  ];
  const envelope = encodeCbor([
    1,
    [1, 0],
    {
      version: '1.0',
      documents: [
        {
          docType: NS,
          issuerSigned: {
            nameSpaces: new Map([[NS, []]]),
            issuerAuth: [encodeCbor(new Map([[1, -7]])), new Map([[34, [-15, new Uint8Array(0)]]]), new Uint8Array(0), new Uint8Array(0)],
          },
          deviceSigned: {
            nameSpaces: new Uint8Array(0),
            deviceAuth: { deviceSignature: [encodeCbor(new Map([[1, -7]])), new Map(), null, new Uint8Array(0)] },
          },
        },
      ],
      status: 0,
    },
  ]);
  const parts = [mso, ...items, envelope];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const QR_DICTIONARY_V1: Uint8Array = skeleton();
