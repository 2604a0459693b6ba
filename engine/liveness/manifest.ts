import { EidkitError } from '../errors.ts';
import { ACTIONS, type Action, type AttackType } from './types.ts';

/** One line of an evaluation manifest (`npm run eval:liveness -- --manifest m.json`). */
export interface EvalManifestEntry {
  /** MJPEG file, relative to the manifest. */
  readonly file: string;
  readonly label: 'bona-fide' | 'attack';
  readonly attack?: AttackType;
  /** Scripted actions the video performs; without it the entry is judged by the passive path alone. */
  readonly challenge?: readonly Action[];
  /** Optional segment of the video, in seconds (our extension: lets one long bona fide video serve several cases). */
  readonly from?: number;
  readonly to?: number;
}

const ATTACKS: readonly AttackType[] = ['print', 'screen', 'still', 'moved-photo', 'video-replay'];

/** Validates a parsed manifest; every problem is reported with the entry's index so the file can be fixed. */
export function parseEvalManifest(json: unknown): EvalManifestEntry[] {
  if (!Array.isArray(json)) throw bad('The manifest must be a JSON array of entries.');
  return json.map((raw: unknown, i): EvalManifestEntry => {
    if (typeof raw !== 'object' || raw === null) throw bad(`Entry ${i} is not an object.`);
    const e = raw as Record<string, unknown>;
    if (typeof e.file !== 'string' || e.file === '') throw bad(`Entry ${i} has no "file".`);
    if (e.label !== 'bona-fide' && e.label !== 'attack') throw bad(`Entry ${i} (${e.file}): "label" must be "bona-fide" or "attack".`);
    if (e.label === 'attack' && !ATTACKS.includes(e.attack as AttackType)) {
      throw bad(`Entry ${i} (${e.file}): an attack needs "attack" set to one of ${ATTACKS.join(', ')}.`);
    }
    if (e.challenge !== undefined) {
      if (!Array.isArray(e.challenge) || e.challenge.length === 0 || !e.challenge.every((a) => ACTIONS.includes(a as Action))) {
        throw bad(`Entry ${i} (${e.file}): "challenge" must be a non-empty list of ${ACTIONS.join(', ')}.`);
      }
    }
    for (const k of ['from', 'to'] as const) {
      if (e[k] !== undefined && !(typeof e[k] === 'number' && e[k] >= 0)) throw bad(`Entry ${i} (${e.file}): "${k}" must be seconds >= 0.`);
    }
    return {
      file: e.file,
      label: e.label,
      ...(e.label === 'attack' ? { attack: e.attack as AttackType } : {}),
      ...(e.challenge ? { challenge: e.challenge as Action[] } : {}),
      ...(typeof e.from === 'number' ? { from: e.from } : {}),
      ...(typeof e.to === 'number' ? { to: e.to } : {}),
    };
  });
}

function bad(message: string): EidkitError {
  return new EidkitError('liveness/bad-manifest', message);
}
