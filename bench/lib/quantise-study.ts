import type { PayloadResult } from './results.ts';

export async function quantiseStudy(_log: (s: string) => void): Promise<PayloadResult['quantised']> {
  return undefined;
}
