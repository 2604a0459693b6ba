/**
 * A testing setting, off unless set by hand in this browser's storage: a fixed liveness challenge instead of a random
 * one (localStorage "eidkit.dev.challenge" = "blink" or "blink,turn-left"). Demos and the end-to-end tests use it to
 * drive the check with a recorded video, which can only perform the actions it contains. A fixed challenge is weaker
 * (an attacker can prepare for it, and each step then allows 30 s), so whenever it is on the capture says so on screen
 * and the enrolment request records it for the issuer desk to see.
 */
import { ACTIONS, type Action } from '../../engine/liveness/index.ts';

export const FIXED_CHALLENGE_KEY = 'eidkit.dev.challenge';

export function fixedChallenge(): readonly Action[] | undefined {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(FIXED_CHALLENGE_KEY);
  } catch {
    return undefined;
  }
  if (!raw) return undefined;
  const actions = raw.split(',').map((s) => s.trim()) as Action[];
  return actions.length > 0 && actions.every((a) => (ACTIONS as readonly string[]).includes(a)) ? actions : undefined;
}
