import type { EidData } from '../../engine/credential/model.ts';

/** A made-up citizen used by the credential tests (not a real person; the ID number's check digit is not valid). */
export const person: EidData = {
  family_name: '张',
  given_name: '伟',
  birth_date: '1990-05-17',
  sex: 1,
  nationality: 'CN',
  resident_address: '上海市黄浦区人民大道 200 号',
  document_number: '310101199005170011',
  issue_date: '2024-01-10',
  expiry_date: '2034-01-10',
  issuing_authority: '上海市公安局',
  issuing_country: 'CN',
};
