import { EidkitError } from '../errors.ts';
import { ACTIONS, ATTACK_TYPES, type Action, type AttackType } from './types.ts';
import type { ActionMark } from './splice.ts';

/** One line of an evaluation manifest (`npm run eval:liveness -- --manifest m.json`). */
export interface EvalManifestEntry {
  /** MJPEG file, relative to the manifest. */
  readonly file: string;
  readonly label: 'bona-fide' | 'attack';
  readonly attack?: AttackType;
  /**
   * Scripted actions the video performs (judged with that challenge); or 'random': the production policy's challenge
   * drawn `draws` times (seeds `seed` ... seed + draws - 1), each from a random start in the looped video. Without it
   * the entry is judged by the passive path alone.
   */
  readonly challenge?: readonly Action[] | 'random';
  /** With challenge 'random': how many draws (default 1) and the first seed (default 1). */
  readonly draws?: number;
  readonly seed?: number;
  /**
   * Where the video's person performs each action (seconds). With challenge 'random', the harness splices the video
   * so that it answers each prompt after a reaction delay (engine/liveness/splice.ts): bona fide BPCER under the
   * production policy, or a targeted replay when the entry is an attack.
   */
  readonly actions?: readonly ActionMark[];
  /** With `actions`: start of a calm second shown between prompts (seconds, default `from` or 0). */
  readonly rest?: number;
  /** Optional segment of the video, in seconds (our extension: lets one long bona fide video serve several cases). */
  readonly from?: number;
  readonly to?: number;
}

const ATTACKS = ATTACK_TYPES;

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
    if (e.challenge !== undefined && e.challenge !== 'random') {
      if (!Array.isArray(e.challenge) || e.challenge.length === 0 || !e.challenge.every((a) => ACTIONS.includes(a as Action))) {
        throw bad(`Entry ${i} (${e.file}): "challenge" must be a non-empty list of ${ACTIONS.join(', ')}.`);
      }
    }
    for (const k of ['draws', 'seed'] as const) {
      if (e[k] !== undefined && !(Number.isInteger(e[k]) && (e[k] as number) >= (k === 'draws' ? 1 : 0))) throw bad(`Entry ${i} (${e.file}): "${k}" must be a whole number${k === 'draws' ? ' >= 1' : ' >= 0'}.`);
      if (e[k] !== undefined && e.challenge !== 'random') throw bad(`Entry ${i} (${e.file}): "${k}" needs "challenge": "random".`);
    }
    if (e.actions !== undefined) {
      if (e.challenge !== 'random') throw bad(`Entry ${i} (${e.file}): "actions" needs "challenge": "random".`);
      if (!Array.isArray(e.actions) || e.actions.length === 0 || !e.actions.every((m) => typeof m === 'object' && m !== null && ACTIONS.includes((m as ActionMark).action) && typeof (m as ActionMark).t === 'number' && (m as ActionMark).t >= 0)) {
        throw bad(`Entry ${i} (${e.file}): "actions" must be a non-empty list of { "action": one of ${ACTIONS.join(', ')}, "t": seconds }.`);
      }
    }
    for (const k of ['from', 'to', 'rest'] as const) {
      if (e[k] !== undefined && !(typeof e[k] === 'number' && e[k] >= 0)) throw bad(`Entry ${i} (${e.file}): "${k}" must be seconds >= 0.`);
    }
    return {
      file: e.file,
      label: e.label,
      ...(e.label === 'attack' ? { attack: e.attack as AttackType } : {}),
      ...(e.challenge === 'random' ? { challenge: 'random' as const } : e.challenge ? { challenge: e.challenge as Action[] } : {}),
      ...(typeof e.draws === 'number' ? { draws: e.draws } : {}),
      ...(typeof e.seed === 'number' ? { seed: e.seed } : {}),
      ...(e.actions ? { actions: (e.actions as ActionMark[]).map((m) => ({ action: m.action, t: m.t })) } : {}),
      ...(typeof e.rest === 'number' ? { rest: e.rest } : {}),
      ...(typeof e.from === 'number' ? { from: e.from } : {}),
      ...(typeof e.to === 'number' ? { to: e.to } : {}),
    };
  });
}

function bad(message: string): EidkitError {
  return new EidkitError('liveness/bad-manifest', message);
}
