// Precompresses a built folder for static serving: beside each compressible file, `<file>.br` (brotli) and
// `<file>.gz` (gzip -9), written only when they save at least 5 %. scripts/serve.mjs sends them with Content-Encoding
// to clients that accept it; hosts that can do the same are listed in site/docs/hosting.md. Node built-ins only (runs
// in the build before dependencies are known to be present). Symlinks are not followed: they point at files this
// build does not own.
import { brotliCompress, constants, gzip } from 'node:zlib';
import { lstat, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';

const br = promisify(brotliCompress);
const gz = promisify(gzip);

/** Text assets, wasm and model weights (float weights compress 5-55 %); images are compressed already. */
export const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.svg', '.txt', '.md', '.wasm', '.bin', '.cbor']);
/** A compressed copy is kept only below this share of the original: smaller savings are not worth a second file. */
const KEEP_BELOW = 0.95;
/** Not worth a round of content negotiation. */
const MIN_BYTES = 1024;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Writes the .br / .gz copies under `dir` (stale ones from an earlier build are removed first). Resolves to
 * { files, bytes, brotli, gzip }: how many files got a copy, their size, and the sizes of their brotli and gzip copies.
 */
export async function precompress(dir) {
  const todo = [];
  for await (const path of files(dir)) {
    if (path.endsWith('.br') || path.endsWith('.gz')) await rm(path);
    else if (COMPRESSIBLE.has(extname(path))) todo.push(path);
  }
  const totals = { files: 0, bytes: 0, brotli: 0, gzip: 0 };
  // Two at a time: the build machine may be a 2-core one shared with other work.
  const queue = [...todo];
  const worker = async () => {
    for (let path = queue.shift(); path; path = queue.shift()) {
      if ((await lstat(path)).size < MIN_BYTES) continue;
      const body = await readFile(path);
      const text = !['.wasm', '.bin', '.cbor'].includes(extname(path));
      // Quality 11, except 9 for weights files over 2 MB (evaluation candidates, peers' weights), where 11 costs tens
      // of seconds per file. The shipped weights are all under 2 MB, and 11 makes them 2-16 % smaller than 9 does
      // (measured on the uint8 BlazeFace, FaceMesh and fr-feature files, 70 kB in all).
      const quality = extname(path) === '.bin' && body.length > 2_000_000 ? 9 : 11;
      const [b, g] = await Promise.all([
        br(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: quality,
            [constants.BROTLI_PARAM_MODE]: text ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
        gz(body, { level: 9 }),
      ]);
      let kept = false;
      if (b.length < body.length * KEEP_BELOW) {
        await writeFile(`${path}.br`, b);
        totals.brotli += b.length;
        kept = true;
      }
      if (g.length < body.length * KEEP_BELOW) {
        await writeFile(`${path}.gz`, g);
        totals.gzip += g.length;
        kept = true;
      }
      if (kept) {
        totals.files++;
        totals.bytes += body.length;
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return totals;
}
