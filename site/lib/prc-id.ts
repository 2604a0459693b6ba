/**
 * Checks a PRC resident identity card number (GB 11643-1999): 17 digits (6 address code, 8 birth date YYYYMMDD,
 * 3 sequence, of which the last is odd for men and even for women) and an ISO 7064 MOD 11-2 check character (0-9 or X).
 */

export type PrcIdProblem = 'format' | 'checksum' | 'birth-date-invalid' | 'birth-date-mismatch' | 'sex-mismatch';

/** Weights 2^(17-i) mod 11 for positions 1..17, per ISO 7064 MOD 11-2. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';

/** The check character for the first 17 digits. */
export function prcCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export function normalisePrcId(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** The birth date the number encodes (YYYY-MM-DD), or undefined when it is not a real date. */
export function prcBirthDate(id: string): string | undefined {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const t = new Date(Date.UTC(y, m - 1, d));
  if (y < 1800 || t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return undefined;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

/**
 * Problems with the number, in the order a person should fix them; empty when it is valid and agrees with the
 * birth date (YYYY-MM-DD) and sex (ISO/IEC 5218: 1 male, 2 female) entered, when given.
 */
export function checkPrcId(input: string, birthDate?: string, sex?: number): PrcIdProblem[] {
  const id = normalisePrcId(input);
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return ['format'];
  const problems: PrcIdProblem[] = [];
  if (prcCheckCharacter(id) !== id[17]) problems.push('checksum');
  const encoded = prcBirthDate(id);
  if (!encoded) problems.push('birth-date-invalid');
  else if (birthDate && encoded !== birthDate) problems.push('birth-date-mismatch');
  if (sex === 1 || sex === 2) {
    const odd = Number(id[16]) % 2 === 1;
    if (odd !== (sex === 1)) problems.push('sex-mismatch');
  }
  return problems;
}
