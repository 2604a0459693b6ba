// Test helper (Chromium): fetch shared fixture images through the test server's /@fs/ route.
import { inject } from 'vitest';

export function fixtureUrl(relative: string): string {
  return `/@fs${inject('fixtures')}/${relative}`;
}

export async function fixtureBitmap(relative: string): Promise<ImageBitmap> {
  const response = await fetch(fixtureUrl(relative));
  if (!response.ok) throw new Error(`fixture ${relative}: HTTP ${response.status}`);
  return createImageBitmap(await response.blob());
}
