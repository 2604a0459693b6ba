// The fixed testing challenge leaves production builds: site/lib/dev-settings.ts built as the site builds it, once
// without the build-time flag (npm start, npm run build) and once with it (npm test).
import { describe, expect, test } from 'vitest';
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function bundle(testHooks: boolean): Promise<string> {
  const out = await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    define: { __EIDKIT_TEST_HOOKS__: JSON.stringify(testHooks) },
    build: { write: false, minify: true, lib: { entry: `${ROOT}site/lib/dev-settings.ts`, formats: ['es'], fileName: 'dev-settings' } },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as { output: { type: string; code?: string }[] }[];
  return outputs.flatMap((o) => o.output).map((c) => c.code ?? '').join('\n');
}

describe('the fixed liveness challenge is a build-time test hook', () => {
  test('a production build has no trace of it; a test build reads it', async () => {
    const production = await bundle(false);
    expect(production).not.toContain('eidkit.dev.challenge');
    expect(production).not.toContain('localStorage');
    const testing = await bundle(true);
    expect(testing).toContain('eidkit.dev.challenge');
  });
});
