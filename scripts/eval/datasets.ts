import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from './metrics.ts';

export interface Pair {
  readonly a: string;
  readonly b: string;
  readonly same: boolean;
  readonly fold: number;
}

/** `<Name>/<Name>_<NNNN>.jpg`, LFW's file naming. */
export function lfwImage(name: string, index: number): string {
  return `${name}/${name}_${String(index).padStart(4, '0')}.jpg`;
}

/**
 * LFW View-2 pairs: first line `<folds>\t<n>`, then per fold n genuine `name\ti\tj` and n impostor
 * `name1\ti\tname2\tj` lines. Lines with the wrong number of fields are refused, not skipped.
 */
export function parsePairs(text: string): Pair[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const [head, ...rest] = lines;
  const [folds, n] = (head ?? '').trim().split(/\s+/).map(Number);
  if (!folds || !n) throw new Error(`pairs file: first line must be "<folds>\\t<n>", got "${head}"`);
  if (rest.length !== folds * 2 * n) throw new Error(`pairs file: expected ${folds * 2 * n} pair lines, got ${rest.length}`);
  return rest.map((line, i) => {
    const f = line.trim().split(/\s+/);
    const fold = Math.floor(i / (2 * n));
    if (f.length === 3) return { a: lfwImage(f[0]!, Number(f[1])), b: lfwImage(f[0]!, Number(f[2])), same: true, fold };
    if (f.length === 4) return { a: lfwImage(f[0]!, Number(f[1])), b: lfwImage(f[2]!, Number(f[3])), same: false, fold };
    throw new Error(`pairs file line ${i + 2}: expected 3 or 4 fields, got "${line}"`);
  });
}

/** Identity = the folder an image sits in. */
export function identityOf(path: string): string {
  return path.split('/')[0]!;
}

/** Every image of a folder-per-identity set, as `<identity>/<file>` paths. */
export function listPeople(dir: string): string[] {
  const out: string[] = [];
  for (const who of readdirSync(dir).sort()) {
    if (!statSync(join(dir, who)).isDirectory()) continue;
    for (const f of readdirSync(join(dir, who)).sort()) if (/\.(jpe?g|png)$/i.test(f)) out.push(`${who}/${f}`);
  }
  return out;
}

/** Every same-identity pair, and impostor pairs: all of them when there are at most `maxImpostors`, else a seeded sample; in ten folds. */
export function peoplePairs(images: readonly string[], maxImpostors = 20_000, seed = 1): Pair[] {
  const pairs: Pair[] = [];
  const impostors: Pair[] = [];
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) {
      const same = identityOf(images[i]!) === identityOf(images[j]!);
      (same ? pairs : impostors).push({ a: images[i]!, b: images[j]!, same, fold: 0 });
    }
  }
  if (impostors.length > maxImpostors) {
    const rnd = seededRandom(seed);
    for (let i = impostors.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [impostors[i], impostors[j]] = [impostors[j]!, impostors[i]!];
    }
    impostors.length = maxImpostors;
  }
  // Ten interleaved folds, so the LFW-style accuracy (threshold from the other folds) is defined here too.
  return [...pairs.map((p, i) => ({ ...p, fold: i % 10 })), ...impostors.map((p, i) => ({ ...p, fold: i % 10 }))];
}

export function readPairs(path: string): Pair[] {
  return parsePairs(readFileSync(path, 'utf8'));
}
