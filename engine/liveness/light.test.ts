// The light challenge's pure core: plans from a seed, colour samples of a frame, and the score of a face's response
// to the colours shown (a face that reflects them against a replay that shows its own light).
import { describe, expect, test } from 'vitest';
import { DEFAULT_POLICY, decideLiveness } from './decide.ts';
import { LIGHT_TIMING, SCREEN_COLOURS, measureLightSample, planDurationMs, planLight, scoreLight, type LightPlan, type LightSample, type LightShown, type Rgb } from './light.ts';
import { seededRandom } from './random.ts';
import { lightKindFor } from './light-capture.ts';
import { LIVE_SIGNALS } from '../../test-fixtures/liveness/signals.ts';

/** The shown events of a plan starting at `t0`, as the capture records them. */
function shownOf(plan: LightPlan, t0 = 1000): LightShown[] {
  let t = t0;
  return plan.steps.map((s) => {
    const e = { t, colour: s.colour };
    t += s.ms;
    return e;
  });
}

/**
 * Camera samples at `fps` of a scene lit by ambient light plus the screen colour shown `latencyMs` earlier. Reflected
 * light is albedo times illumination: the face gets `faceGain` of the screen's light (relative to the ambient), the
 * background `bgGain`. A replay on another screen: `own` tints what it shows by its own light (its recorded face
 * only, `ownOnFaceOnly`, when the real room shows around the replay screen), and `glint` adds our colour (times 255)
 * on face and background alike (our light reflected off its glass). `exposure` scales the whole frame.
 */
function scene(
  shown: LightShown[],
  o: { fps?: number; latencyMs?: number; faceGain: number; bgGain: number; face?: Rgb; glint?: number; noise?: number; seed?: number; own?: (t: number) => Rgb; ownOnFaceOnly?: boolean; exposure?: (t: number) => number },
): LightSample[] {
  const random = seededRandom(o.seed ?? 1);
  const out: LightSample[] = [];
  const end = shown.at(-1)!.t + 800;
  for (let t = shown[0]!.t - 300; t < end; t += 1000 / (o.fps ?? 15)) {
    let c: Rgb = [0, 0, 0];
    for (const e of shown) if (e.t <= t - (o.latencyMs ?? 120)) c = e.colour;
    const own = o.own?.(t) ?? [1, 1, 1];
    const k = o.exposure?.(t) ?? 1;
    const px = (albedo: Rgb, gain: number, tinted: boolean): Rgb =>
      albedo.map((a, i) => k * ((tinted ? own[i]! : 1) * a * (1 + gain * c[i]!) + 255 * (o.glint ?? 0) * c[i]!) + (random() - 0.5) * (o.noise ?? 2)) as unknown as Rgb;
    out.push({ t, face: px(o.face ?? [150, 110, 90], o.faceGain, true), background: px([90, 95, 100], o.bgGain, !o.ownOnFaceOnly) });
  }
  return out;
}

describe('planLight', () => {
  test('is reproducible for a seed; screen colours change every step, under three changes a second', () => {
    expect(planLight('screen', 5)).toEqual(planLight('screen', 5));
    const plans = Array.from({ length: 30 }, (_, s) => planLight('screen', s));
    expect(new Set(plans.map((p) => JSON.stringify(p.steps.map((x) => x.colour)))).size).toBeGreaterThan(25);
    for (const p of plans) {
      expect(p.steps).toHaveLength(LIGHT_TIMING.screenSteps);
      p.steps.forEach((s, i) => {
        expect(SCREEN_COLOURS).toContainEqual(s.colour);
        expect(s.ms).toBeGreaterThanOrEqual(350);
        if (i > 0) expect(s.colour).not.toEqual(p.steps[i - 1]!.colour);
      });
      expect(planDurationMs(p)).toBeLessThanOrEqual(8 * 450);
    }
    const torch = planLight('torch', 2);
    torch.steps.forEach((s, i) => i > 0 && expect(s.colour).not.toEqual(torch.steps[i - 1]!.colour));
  });
});

describe('measureLightSample', () => {
  test('averages the middle of the face box and the frame outside the grown box', () => {
    const w = 40;
    const h = 30;
    const px = new Uint8ClampedArray(w * h * 4);
    const box = { x: 10, y: 5, width: 20, height: 20 };
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const inFace = x >= 10 && x < 30 && y >= 5 && y < 25;
        px.set(inFace ? [200, 100, 50, 255] : [10, 20, 30, 255], 4 * (y * w + x));
      }
    }
    const s = measureLightSample(7, px, w, h, box)!;
    expect(s.t).toBe(7);
    expect(s.face).toEqual([200, 100, 50]);
    expect(s.background).toEqual([10, 20, 30]);
    // A face filling the frame leaves no background to compare with.
    expect(measureLightSample(7, px, w, h, { x: 0, y: 0, width: 40, height: 30 })).toBeUndefined();
  });
});

describe('scoreLight', () => {
  const plan = planLight('screen', 42);
  const shown = shownOf(plan);

  test('a face near the screen follows its colours, with the camera latency found', () => {
    const live = scoreLight(plan, shown, scene(shown, { faceGain: 0.12, bgGain: 0.01, latencyMs: 160 }));
    expect(live).toMatchObject({ ran: true, kind: 'screen' });
    if (!live.ran) return;
    // The face's response is its albedo times our colour, so its channels answer unequally: about 0.85, not 1.
    expect(live.correlation).toBeGreaterThan(0.8);
    expect(live.amplitude).toBeGreaterThan(DEFAULT_POLICY.lightMinAmplitude * 3);
    expect(Math.abs(live.lagMs - 160)).toBeLessThanOrEqual(60);
  });

  test('exposure swings of the whole frame (auto-exposure) do not fake or hide the response', () => {
    const exposure = (t: number) => 1 + 0.3 * Math.sin(t / 300);
    const live = scoreLight(plan, shown, scene(shown, { faceGain: 0.12, bgGain: 0.01, exposure }));
    expect(live.ran && live.correlation).toBeGreaterThan(0.8);
    const flat = scoreLight(plan, shown, scene(shown, { faceGain: 0, bgGain: 0, exposure }));
    expect(flat.ran && flat.amplitude).toBeLessThan(DEFAULT_POLICY.lightMinAmplitude);
  });

  // A replay's own light, four tints in turn.
  const OWN: readonly Rgb[] = [[1, 0.8, 0.8], [0.8, 1, 0.85], [0.85, 0.85, 1], [1, 1, 0.8]];

  test('a replay on a screen: our light glints on face and background alike, its own light changes on its own', () => {
    const own = (t: number): Rgb => OWN[Math.floor(t / 450) % OWN.length]!;
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const ownOnFaceOnly of [false, true]) {
        const replay = scoreLight(plan, shown, scene(shown, { faceGain: 0, bgGain: 0, glint: 0.06, own, ownOnFaceOnly, seed }));
        expect(replay.ran).toBe(true);
        if (!replay.ran) continue;
        const d = decideLiveness({ ...LIVE_SIGNALS, light: replay });
        expect(d.live, JSON.stringify(replay)).toBe(false);
        expect(d.reasons.map((r) => r.code)).toEqual(['light-mismatch']);
      }
    }
  });

  test('a dark replayed face under strong glint does not follow our colours (the chromaticity response did, every time)', () => {
    // Added light shifts a dark region's chromaticity more than a bright one's: with the face's chromaticity minus the
    // background's as the response, all 100 of these were accepted (correlation about 0.96); site/liveness-light's
    // replay in CI reached 0.67 that way.
    let worst = -1;
    for (let seed = 1000; seed < 1100; seed++) {
      const p = planLight('screen', seed);
      const sh = shownOf(p);
      const s = scoreLight(p, sh, scene(sh, { face: [70, 50, 40], faceGain: 0, bgGain: 0, glint: 0.1, seed }));
      expect(s.ran).toBe(true);
      if (s.ran) worst = Math.max(worst, s.correlation);
      expect(decideLiveness({ ...LIVE_SIGNALS, light: s }).reasons.map((r) => r.code)).toEqual(['light-mismatch']);
    }
    expect(worst).toBeLessThan(DEFAULT_POLICY.lightMinCorrelation);
  });

  test('chance: 300 simulated replays whose own light changes at random are all refused; 50 lit faces all pass', () => {
    // Seeds 1000-1299. The step count and delay range were chosen on seeds 0-299 of an earlier simulation, the
    // response (colour difference over background brightness) on seeds 0-299 of this one (highest 0.59 there).
    let accepted = 0;
    let worst = -1;
    for (let seed = 1000; seed < 1300; seed++) {
      const p = planLight('screen', seed);
      const sh = shownOf(p);
      const r = seededRandom(seed + 7);
      const period = 400 + r() * 800;
      const phase = r() * 5000;
      const own = (t: number): Rgb => OWN[Math.floor((t + phase) / period) % OWN.length]!;
      // The replay's own light on its face only (the real room around the replay screen): the harder case.
      const s = scoreLight(p, sh, scene(sh, { faceGain: 0, bgGain: 0, glint: 0.06, own, ownOnFaceOnly: true, seed }));
      if (s.ran) worst = Math.max(worst, s.correlation);
      if (decideLiveness({ ...LIVE_SIGNALS, light: s }).live) accepted++;
    }
    console.info(`simulated replays: ${accepted}/300 accepted, highest correlation ${worst.toFixed(2)}`);
    expect(accepted).toBe(0);
    for (let seed = 1000; seed < 1050; seed++) {
      const p = planLight('screen', seed);
      const sh = shownOf(p);
      expect(decideLiveness({ ...LIVE_SIGNALS, light: scoreLight(p, sh, scene(sh, { faceGain: 0.12, bgGain: 0.01, seed })) }).live).toBe(true);
    }
  });

  test('a face that reflects the screen in front of a black background still passes (the brightness floor)', () => {
    const dark = scene(shown, { faceGain: 0.12, bgGain: 0, seed: 3 }).map((x) => ({ ...x, background: [2, 2, 3] as Rgb }));
    expect(decideLiveness({ ...LIVE_SIGNALS, light: scoreLight(plan, shown, dark) }).live).toBe(true);
  });

  test('too few frames is "did not run", never a pass or a failure', () => {
    const few = scene(shown, { faceGain: 0.12, bgGain: 0.01, fps: 2 });
    const s = scoreLight(plan, shown, few);
    expect(s).toEqual({ ran: false, kind: 'screen', why: 'too-few-frames' });
    const d = decideLiveness({ ...LIVE_SIGNALS, light: s });
    expect(d.live).toBe(true);
    expect(d.notRun).toEqual([{ check: 'light', why: 'too-few-frames' }]);
    expect(d.scores.light).toBeUndefined();
    // Without a torch the same: reported, not passed.
    expect(decideLiveness({ ...LIVE_SIGNALS, light: { ran: false, kind: 'torch', why: 'no-torch' } }).notRun).toEqual([{ check: 'light', why: 'no-torch' }]);
  });

  test('the torch: a face close to it brightens when it is on, a screen replay does not', () => {
    const torch = planLight('torch', 7);
    const ts = shownOf(torch);
    const live = scoreLight(torch, ts, scene(ts, { faceGain: 0.25, bgGain: 0.02 }));
    expect(live.ran && live.correlation).toBeGreaterThan(0.9);
    expect(decideLiveness({ ...LIVE_SIGNALS, light: live }).live).toBe(true);
    const replay = scoreLight(torch, ts, scene(ts, { faceGain: 0.05, bgGain: 0.05 }));
    expect(decideLiveness({ ...LIVE_SIGNALS, light: replay }).reasons.map((r) => r.code)).toEqual(['light-mismatch']);
  });
});

describe('lightKindFor: which light the device can use', () => {
  const streamWith = (settings: { facingMode?: string }, caps?: { torch?: boolean }) =>
    ({ getVideoTracks: () => [{ getSettings: () => settings, ...(caps ? { getCapabilities: () => caps } : {}) }] }) as unknown as MediaStream;
  const paint = () => undefined;

  test('front camera with a page to paint on: the screen; without one: did not run', () => {
    expect(lightKindFor(streamWith({ facingMode: 'user' }), { paint })).toBe('screen');
    expect(lightKindFor(streamWith({}), { paint })).toBe('screen');
    expect(lightKindFor(streamWith({ facingMode: 'user' }), {})).toEqual({ notRun: 'no-screen', kind: 'screen' });
  });

  test('rear camera: the torch where the track offers one, else did not run (never the screen, which faces away)', () => {
    expect(lightKindFor(streamWith({ facingMode: 'environment' }, { torch: true }), { paint })).toBe('torch');
    expect(lightKindFor(streamWith({ facingMode: 'environment' }, { torch: false }), { paint })).toEqual({ notRun: 'no-torch', kind: 'torch' });
    expect(lightKindFor(streamWith({ facingMode: 'environment' }), { paint })).toEqual({ notRun: 'no-torch', kind: 'torch' });
    expect(lightKindFor(streamWith({ facingMode: 'user' }), { kind: 'torch' })).toEqual({ notRun: 'no-torch', kind: 'torch' });
  });
});
