// Pure checks of the PRC ID number rules (runs in the e2e project, which is the one that collects site/ tests).
import { expect, test } from 'vitest';
import { checkPrcId, prcBirthDate, prcCheckCharacter } from './prc-id.ts';

test('ISO 7064 MOD 11-2 check characters of published example numbers', () => {
  // GB 11643-1999's own example and the widely published sample numbers.
  expect(prcCheckCharacter('11010519491231002')).toBe('X');
  expect(checkPrcId('11010519491231002X')).toEqual([]);
  expect(checkPrcId('110105194912310021')).toEqual(['checksum']);
});

test('every single-digit change of a valid number is caught by the check character', () => {
  const valid = '11010519491231002X';
  for (let i = 0; i < 17; i++) {
    for (let d = 0; d <= 9; d++) {
      if (String(d) === valid[i]) continue;
      const changed = valid.slice(0, i) + d + valid.slice(i + 1);
      const problems = checkPrcId(changed);
      expect(problems.length, changed).toBeGreaterThan(0);
    }
  }
});

test('format, birth date and sex rules', () => {
  expect(checkPrcId('1101051949123100')).toEqual(['format']);
  expect(checkPrcId('01010519491231002X')).toEqual(['format']);
  expect(checkPrcId('11010519491231002x')).toEqual([]);
  expect(checkPrcId('110105 19491231 002X')).toEqual([]);
  expect(prcBirthDate('11010519491231002X')).toBe('1949-12-31');
  expect(checkPrcId('11010519491231002X', '1949-12-31')).toEqual([]);
  expect(checkPrcId('11010519491231002X', '1949-12-30')).toEqual(['birth-date-mismatch']);
  // Feb 30th does not exist: a well-formed number with an impossible date.
  const first17 = '11010519490230002';
  expect(checkPrcId(first17 + prcCheckCharacter(first17))).toEqual(['birth-date-invalid']);
  // Sequence 002: even → a woman.
  expect(checkPrcId('11010519491231002X', undefined, 2)).toEqual([]);
  expect(checkPrcId('11010519491231002X', undefined, 1)).toEqual(['sex-mismatch']);
});
