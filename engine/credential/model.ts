/**
 * The eidkit national identity document: one ISO 18013-5 doc type and namespace whose element identifiers reuse
 * ISO 18013-5 / ISO 23220-2 names and CBOR types (full-date = tag 1004, sex per ISO/IEC 5218, alpha-2 countries).
 */
import { EidkitError } from '../errors.ts';
import { EmbeddedCbor, Tagged, type CborEncodable, type CborValue } from './cbor.ts';

export const EID_DOC_TYPE = 'org.eidkit.eid.1';
export const EID_NAMESPACE = 'org.eidkit.eid.1';
/** Each threshold adds a 36-byte digest to every presentation, so only 18 by default (pass more at issuance). */
export const DEFAULT_AGE_THRESHOLDS: readonly number[] = [18];

/** The face engine's template: opaque bytes plus the model that made them (templates of other models never compare). */
export interface FaceTemplate {
  readonly model: string;
  readonly version: string;
  readonly data: Uint8Array;
}

/** What an issuer supplies. Dates are ISO 8601 full dates (YYYY-MM-DD); age_over_NN are derived at issuance. */
export interface EidData {
  readonly family_name: string;
  readonly given_name: string;
  readonly birth_date: string;
  /** ISO/IEC 5218: 0 not known, 1 male, 2 female, 9 not applicable. */
  readonly sex?: 0 | 1 | 2 | 9;
  /** ISO 3166-1 alpha-2. */
  readonly nationality?: string;
  readonly resident_address?: string;
  readonly document_number: string;
  readonly issue_date: string;
  readonly expiry_date: string;
  readonly issuing_authority: string;
  /** ISO 3166-1 alpha-2; must equal the country of the issuing IACA. */
  readonly issuing_country: string;
  /** A small JPEG. */
  readonly portrait?: Uint8Array;
  readonly biometric_template_face?: FaceTemplate;
}

export const MAX_TEXT_LENGTH = 150;
export const MAX_PORTRAIT_BYTES = 64 * 1024;
export const MAX_TEMPLATE_BYTES = 1024;

/** Element identifiers in the order they are listed to people. */
export const ELEMENT_ORDER: readonly string[] = [
  'family_name',
  'given_name',
  'birth_date',
  'age_over_18',
  'sex',
  'nationality',
  'resident_address',
  'document_number',
  'issue_date',
  'expiry_date',
  'issuing_authority',
  'issuing_country',
  'portrait',
  'biometric_template_face',
];

/** Disclosure choices the wallet offers. The default is what a hotel desk or shop needs: who, adult, which card, face. */
export const DISCLOSURE_PRESETS = {
  default: ['family_name', 'given_name', 'age_over_18', 'document_number', 'expiry_date', 'biometric_template_face'],
  ageOver18: ['age_over_18'],
  nameAndFace: ['family_name', 'given_name', 'biometric_template_face'],
} as const satisfies Record<string, readonly string[]>;

function fail(message: string, element?: string): never {
  throw new EidkitError('credential/bad-input', message, element ? { element } : undefined);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses YYYY-MM-DD strictly (real calendar dates only) to UTC midnight milliseconds. */
export function parseFullDate(s: string): number | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(t);
  if (d.getUTCFullYear() !== Number(m[1]) || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    return undefined;
  }
  return t;
}

/** Whole years between a birth date and a moment, by calendar (a person is N on their Nth birthday). */
export function ageAt(birthDate: string, at: Date): number {
  const m = DATE_RE.exec(birthDate);
  if (!m) fail('birth_date must be YYYY-MM-DD', 'birth_date');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = at.getUTCFullYear() - y;
  const beforeBirthday = at.getUTCMonth() + 1 < mo || (at.getUTCMonth() + 1 === mo && at.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}

function text(data: EidData, key: keyof EidData, required: boolean): void {
  const v = data[key];
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || v.trim() === '') fail(`${key} is required and must be text`, key);
  if (v.length > MAX_TEXT_LENGTH) fail(`${key} is longer than ${MAX_TEXT_LENGTH} characters`, key);
}

function date(data: EidData, key: 'birth_date' | 'issue_date' | 'expiry_date'): number {
  const v = data[key];
  const t = typeof v === 'string' ? parseFullDate(v) : undefined;
  if (t === undefined) fail(`${key} must be a real date written YYYY-MM-DD`, key);
  return t;
}

function country(data: EidData, key: 'nationality' | 'issuing_country', required: boolean): void {
  const v = data[key];
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || !/^[A-Z]{2}$/.test(v)) fail(`${key} must be an ISO 3166-1 alpha-2 code like "CN"`, key);
}

/** The elements every credential must carry (`age_over_NN` are derived from birth_date, never supplied). */
export const REQUIRED_ELEMENTS = [
  'family_name',
  'given_name',
  'birth_date',
  'document_number',
  'issue_date',
  'expiry_date',
  'issuing_authority',
  'issuing_country',
] as const satisfies readonly (keyof EidData)[];

/** Throws EidkitError('credential/bad-input') naming the first bad element (or every missing required one). */
export function validateEidData(data: EidData): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    fail(`identity data must be an object with at least ${REQUIRED_ELEMENTS.join(', ')}`);
  }
  const known = new Set(ELEMENT_ORDER);
  for (const k of Object.keys(data)) if (!known.has(k) || k === 'age_over_18') fail(`unknown element "${k}"`, k);
  const missing = REQUIRED_ELEMENTS.filter((k) => data[k] === undefined);
  if (missing.length > 0) fail(`identity data lacks the required element${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, missing[0]);
  for (const k of ['family_name', 'given_name', 'document_number', 'issuing_authority'] as const) text(data, k, true);
  text(data, 'resident_address', false);
  const birth = date(data, 'birth_date');
  const issued = date(data, 'issue_date');
  const expires = date(data, 'expiry_date');
  if (birth > issued) fail('birth_date is after issue_date', 'birth_date');
  if (expires <= issued) fail('expiry_date must be after issue_date', 'expiry_date');
  country(data, 'issuing_country', true);
  country(data, 'nationality', false);
  if (data.sex !== undefined && ![0, 1, 2, 9].includes(data.sex)) fail('sex must be 0, 1, 2 or 9 (ISO/IEC 5218)', 'sex');
  if (data.portrait !== undefined) {
    const p = data.portrait;
    if (!(p instanceof Uint8Array) || p[0] !== 0xff || p[1] !== 0xd8) fail('portrait must be JPEG bytes', 'portrait');
    if (p.length > MAX_PORTRAIT_BYTES) fail(`portrait is larger than ${MAX_PORTRAIT_BYTES} bytes`, 'portrait');
  }
  const t = data.biometric_template_face;
  if (t !== undefined) {
    if (typeof t.model !== 'string' || !t.model || typeof t.version !== 'string' || !t.version) {
      fail('biometric_template_face needs its model id and version', 'biometric_template_face');
    }
    if (!(t.data instanceof Uint8Array) || t.data.length === 0 || t.data.length > MAX_TEMPLATE_BYTES) {
      fail(`biometric_template_face data must be 1..${MAX_TEMPLATE_BYTES} bytes`, 'biometric_template_face');
    }
  }
}

export const fullDate = (s: string): Tagged => new Tagged(1004, s);

/** The elements to sign, as CBOR values, in listing order (age_over_NN computed at `at`). */
export function eidElements(data: EidData, at: Date, ageThresholds: readonly number[]): [string, CborEncodable][] {
  validateEidData(data);
  const age = ageAt(data.birth_date, at);
  const out: [string, CborEncodable][] = [];
  for (const key of ELEMENT_ORDER) {
    if (key === 'age_over_18') {
      for (const n of [...new Set(ageThresholds)].sort((a, b) => a - b)) {
        if (!Number.isInteger(n) || n < 1 || n > 99) fail(`age threshold ${n} must be an integer 1..99`);
        out.push([`age_over_${String(n).padStart(2, '0')}`, age >= n]);
      }
      continue;
    }
    const v = data[key as keyof EidData];
    if (v === undefined) continue;
    if (key === 'birth_date' || key === 'issue_date' || key === 'expiry_date') out.push([key, fullDate(v as string)]);
    else if (key === 'biometric_template_face') {
      const t = v as FaceTemplate;
      out.push([key, { model: t.model, version: t.version, data: t.data }]);
    } else out.push([key, v as CborEncodable]);
  }
  return out;
}

/** CBOR element value → a plain JS value for people and UIs (dates as YYYY-MM-DD strings, maps as objects). */
export function plainValue(v: CborValue): unknown {
  if (v instanceof Tagged) {
    if ((v.tag === 1004 || v.tag === 0) && typeof v.value === 'string') return v.value;
    return { tag: v.tag, value: plainValue(v.value) };
  }
  if (v instanceof EmbeddedCbor) return v.bytes;
  if (v instanceof Map) {
    const o = Object.create(null) as Record<string, unknown>;
    for (const [k, x] of v) o[String(k)] = plainValue(x);
    return o;
  }
  if (Array.isArray(v)) return v.map(plainValue);
  return v;
}
