/**
 * A testing setting: a fixed liveness challenge instead of a random one (localStorage "eidkit.dev.challenge" =
 * "blink" or "blink,turn-left"). The end-to-end tests use it to drive the check with a recorded video, which can only
 * perform the actions it contains, at its own times. It exists only in builds made with the build-time flag
 * EIDKIT_TEST_HOOKS=1 (what `npm test` builds; vite.config.ts defines __EIDKIT_TEST_HOOKS__): in any other build the
 * code below is compiled out, so no stored value can weaken a real check. A fixed challenge is weaker (an attacker can
 * prepare for it, and each step allows 30 s with no reaction window), so whenever it is on the capture says so on
 * screen and the enrolment request records it for the issuer desk to see.
 */
import { ACTIONS, type Action } from '../../engine/liveness/types.ts';

declare const __EIDKIT_TEST_HOOKS__: boolean;

/** True in a build made with the test hooks (never in production builds). */
export const TEST_HOOKS: boolean = typeof __EIDKIT_TEST_HOOKS__ !== 'undefined' && __EIDKIT_TEST_HOOKS__;

export function fixedChallenge(): readonly Action[] | undefined {
  if (!TEST_HOOKS) return undefined;
  let raw: string | null = null;
  try {
    raw = localStorage.getItem('eidkit.dev.challenge');
  } catch {
    return undefined;
  }
  if (!raw) return undefined;
  const actions = raw.split(',').map((s) => s.trim()) as Action[];
  return actions.length > 0 && actions.every((a) => (ACTIONS as readonly string[]).includes(a)) ? actions : undefined;
}
