import { describe, expect, test } from 'vitest';
import { CHALLENGE_TIMING, ChallengeRunner, GUIDANCE, planChallenge } from './challenge.ts';
import { measureFace } from './measures.ts';
import { ACTIONS, type Action, type LivenessFrame } from './types.ts';
import { bump, sequence, type SyntheticPose } from '../../test-fixtures/liveness/synthetic-face.ts';
import { isEidkitError } from '../errors.ts';
import { SCRIPTED_TIMING } from '../../test-fixtures/liveness/responsive.ts';

/** These tests check the action detectors on fixed scripts; timed challenges are tested in challenge-timing.test.ts. */
const SCRIPTED = { ...CHALLENGE_TIMING, ...SCRIPTED_TIMING };

/** Runs frames through a challenge and returns the final state. */
function run(actions: Action[], frames: LivenessFrame[]) {
  const runner = new ChallengeRunner(actions, undefined, SCRIPTED, { seed: 1 });
  let state = runner.state();
  for (const f of frames) state = runner.update(f.face ? measureFace(f.t, f.face) : { t: f.t, hint: 'no-face' });
  return state;
}

/** A person who does `moves` one after another, each taking 0.8 s, starting at 0.8 s. */
function person(moves: Action[], extra: (t: number) => SyntheticPose = () => ({})): LivenessFrame[] {
  return sequence(1 + moves.length * 1.2, 15, (t) => {
    const p: { yaw: number; pitch: number; eyeOpen: number; mouthOpen: number } = { yaw: 0, pitch: 0, eyeOpen: 0.3, mouthOpen: 0.02 };
    moves.forEach((m, k) => {
      const b = bump(t, 0.8 + k * 1.2, 0.8);
      if (m === 'turn-left') p.yaw += 20 * b;
      if (m === 'turn-right') p.yaw -= 20 * b;
      if (m === 'look-up') p.pitch += 18 * b;
      if (m === 'open-mouth') p.mouthOpen += 0.45 * b;
      if (m === 'blink') p.eyeOpen -= 0.25 * bump(t, 0.8 + k * 1.2 + 0.25, 0.3);
    });
    return { ...p, ...extra(t) };
  });
}

describe('planChallenge', () => {
  test('is reproducible for a seed, and different seeds give different orders', () => {
    expect(planChallenge({ seed: 42, length: 3 })).toEqual(planChallenge({ seed: 42, length: 3 }));
    const orders = new Set(Array.from({ length: 40 }, (_, s) => planChallenge({ seed: s, length: 2 }).join(',')));
    // 5 x 4 = 20 ordered pairs are possible; 40 seeds should reach most of them.
    expect(orders.size).toBeGreaterThan(12);
  });

  test('draws distinct actions from the pool, at least two', () => {
    for (let s = 0; s < 50; s++) {
      const plan = planChallenge({ seed: s, length: 3 });
      expect(new Set(plan).size).toBe(3);
      for (const a of plan) expect(ACTIONS).toContain(a);
    }
    expect(planChallenge({ seed: 1, pool: ['blink', 'open-mouth'] }).sort()).toEqual(['blink', 'open-mouth']);
    for (const length of [1, 6]) {
      try {
        planChallenge({ length });
        expect.unreachable();
      } catch (e) {
        expect(isEidkitError(e, 'liveness/bad-challenge')).toBe(true);
      }
    }
  });

  test('without a seed the order comes from the CSPRNG (not always the same)', () => {
    const orders = new Set(Array.from({ length: 30 }, () => planChallenge({ length: 3 }).join(',')));
    expect(orders.size).toBeGreaterThan(1);
  });
});

describe('ChallengeRunner on synthetic landmark sequences', () => {
  test.each<Action[]>([
    ['blink', 'turn-left'],
    ['turn-right', 'open-mouth'],
    ['look-up', 'blink'],
    ['turn-left', 'turn-right', 'look-up'],
  ])('a person doing %s passes', (...actions) => {
    const state = run(actions, person(actions));
    expect(state.status).toBe('passed');
    expect(state.steps.map((s) => s.action)).toEqual(actions);
    expect(state.steps.every((s) => s.doneAt !== undefined && s.doneAt >= s.askedAt)).toBe(true);
    expect(state.unexpected).toEqual([]);
    expect(state.guidance).toEqual({ code: 'done', text: GUIDANCE.done });
  });

  test('directions: turning right when asked to turn left does not pass, and is noted as unexpected', () => {
    const state = run(['turn-left', 'blink'], person(['turn-right', 'turn-right', 'turn-right']));
    expect(state.status).toBe('active');
    expect(state.step).toBe(0);
    expect(state.unexpected).toContain('turn-right');
  });

  test('an action done before it is asked does not count (the order matters)', () => {
    const state = run(['turn-left', 'open-mouth'], person(['open-mouth', 'turn-left']));
    // The mouth opened while "turn left" was asked; by the time it is asked, it is not opened again.
    expect(state.steps[0]!.doneAt).toBeDefined();
    expect(state.status).toBe('active');
    expect(state.action).toBe('open-mouth');
    expect(state.unexpected).toEqual(['open-mouth']);
  });

  test('a still face times out on the first action with guidance until then', () => {
    const frames = sequence(10, 10, () => ({}));
    const runner = new ChallengeRunner(['blink', 'turn-left']);
    const seen = new Set<string>();
    let state = runner.state();
    for (const f of frames) {
      state = runner.update(measureFace(f.t, f.face!));
      seen.add(state.guidance.code);
      if (state.status === 'active') expect(state.remainingMs).toBeLessThanOrEqual(8000);
    }
    expect(state.status).toBe('failed');
    expect(state.failedAction).toBe('blink');
    expect([...seen]).toEqual(['look-at-camera', 'do-blink', 'failed']);
  });

  test('no face at all fails on the first action, and says so while it lasts', () => {
    const runner = new ChallengeRunner(['blink', 'turn-left']);
    let state = runner.state();
    for (let t = 0; t <= 9000; t += 100) {
      state = runner.update({ t, hint: 'no-face' });
      if (t === 1000) expect(state.guidance.code).toBe('no-face');
    }
    expect(state.status).toBe('failed');
    expect(state.failedAction).toBe('blink');
  });

  test('a flat photo tilted back does not fake a blink; the same tilt of a real head with a blink does', () => {
    // The photo card tilts back by 45 degrees and returns: the plain eye aspect ratio drops by 30 %.
    const tilt = (t: number): SyntheticPose => ({ flat: true, pitch: -45 * bump(t, 0.8, 1.0), reportedPose: { yaw: 0, pitch: -5 * bump(t, 0.8, 1.0), roll: 0 } });
    const photo = sequence(4, 15, tilt);
    const plainEar = photo.map((f) => f.face!.eyeOpening);
    expect(Math.min(...plainEar) / plainEar[0]!).toBeLessThan(0.75);
    expect(run(['blink', 'turn-left'], photo).status).not.toBe('passed');
    expect(run(['blink', 'turn-left'], photo).steps[0]?.doneAt).toBeUndefined();
    // A real blink (the lids close; the nose does not move) passes the blink step.
    const blink = sequence(3, 15, (t) => ({ eyeOpen: 0.3 - 0.25 * bump(t, 1, 0.3) }));
    expect(run(['blink', 'turn-left'], blink).steps[0]?.doneAt).toBeDefined();
  });

  test('a slow device analysing 2 frames a second still sees a blink caught on one frame', () => {
    const frames = sequence(6, 2, (t) => ({ eyeOpen: t === 3 ? 0.08 : 0.3 }));
    const state = run(['blink', 'turn-left'], frames);
    expect(state.steps[0]?.doneAt).toBe(3500);
  });

  test('eyes closed slowly and reopened count, even when the device sees the closing in steps', () => {
    // Eye opening falls 0.30 -> 0.27 -> 0.22 -> 0.15 over a second and comes back: a baseline that followed the
    // closing frames would never see it fall far enough.
    const levels = [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.27, 0.22, 0.22, 0.15, 0.2, 0.27, 0.32, 0.32];
    const frames = sequence(levels.length / 3, 3, (_t, i) => ({ eyeOpen: levels[i]! }));
    expect(run(['blink', 'turn-left'], frames).steps[0]?.doneAt).toBeDefined();
  });

  test('a one-frame glitch of the pose does not complete a turn (two consecutive frames needed)', () => {
    const frames = sequence(4, 15, (_t, i) => ({ yaw: i === 20 ? 30 : 0 }));
    expect(run(['turn-left', 'blink'], frames).steps[0]?.doneAt).toBeUndefined();
  });

  test('progress rises towards an action and the guidance names it', () => {
    const runner = new ChallengeRunner(['turn-left', 'blink'], undefined, SCRIPTED, { seed: 1 });
    const frames = sequence(2, 15, (t) => ({ yaw: t < 0.5 ? 0 : 8 }));
    let state = runner.state();
    for (const f of frames) state = runner.update(measureFace(f.t, f.face!));
    expect(state.guidance).toEqual({ code: 'do-turn-left', text: 'Turn your head to your left' });
    expect(state.progress).toBeGreaterThan(0.5);
    expect(state.progress).toBeLessThan(1);
  });
});
