/// <reference lib="dom" />
// eidkit's bench page: the engine's public API, in-process on the page's main thread. The product runs the face engine
// in a worker, but Chromium's CDP CPU throttling applies to pages only ("Operation is only supported for pages, not
// workers"), so every library is timed on the main thread, where 4x and 6x really mean 4x and 6x.
import * as tf from '@tensorflow/tfjs-core';
import {
  compareTemplates,
  createFaceEngine,
  createLivenessSession,
  createPassiveScorer,
  decodeQrRgba,
  DEFAULT_EMBEDDER,
  LIVENESS_ANALYSIS,
  livenessFrame,
  verifyPresentation,
  type FrameInput,
} from '../../engine/index.ts';
import { EMBEDDERS } from '../../engine/face/embedders.ts';
import { sampleFrame } from '../../engine/face/sample.ts';
import { TextureTracker } from '../../engine/liveness/texture.ts';
import { recaptureFrame } from '../../engine/liveness/recapture.ts';
import { DEFAULT_POLICY, passiveModelsFor } from '../../engine/liveness/decide.ts';
import { CAMERA_LOOKS, describeLook, makeVerifierFixture, qrCameraFrame } from './credential-fixture.ts';
import { loadScaleStages } from './credential-scale-stages.ts';
import { calibration, installPage, loadFrames, singleThreadWasm, tfjsWasmBytes, type StageBody } from './runtime.ts';
import type { PageInfo, StageId } from './protocol.ts';

/** ImageData is handed over as is; the in-process engine reads it without a copy (a worker engine would transfer it). */
const copy = (f: ImageData): FrameInput => f;

installPage(async () => {
  singleThreadWasm(tf); // the engine already does this itself (runtime/backend.ts); kept so all pages read alike
  const frames = await loadFrames();
  const faces = createFaceEngine({ models: '/models/', backend: { prefer: 'wasm' } });
  const ready = await faces.ready();

  // The credential carries the template enrolled from other frames of the same person.
  // (A failure here — a face-engine work in progress — must not cost the stages that do not need the template.)
  const enrolled = await faces.enrol(frames.enrol.map(copy)).catch((e: unknown) => ({ template: undefined, used: [] as number[], error: String(e) }));
  const fixture = await makeVerifierFixture(enrolled.template ? { model: DEFAULT_EMBEDDER, version: '1', data: enrolled.template } : undefined);
  const qrFrames = CAMERA_LOOKS.map((look, k) => qrCameraFrame(fixture.matrix, look, k + 1));
  const reads = (f: ImageData): boolean => decodeQrRgba(f.data, f.width, f.height) === fixture.qrText;
  const readable = qrFrames.map(reads);
  // The warm verify path starts from a frame the scanner does read (the others would just be the next camera frame).
  const qrFrame = qrFrames[readable.indexOf(true)];
  const n = frames.faces.length;
  const face = (i: number): FrameInput => copy(frames.faces[i % n]!);

  const pending: Partial<Record<StageId, string>> = {};
  const facts: Record<string, string | number | boolean> = {};
  const bodies: Partial<Record<StageId, StageBody>> = {
    calibration,
    'qr-decode': async (i) => reads(qrFrames[i % qrFrames.length]!),
    'credential-verify': async () => (await verifyPresentation(fixture.qrText, fixture.trust, [fixture.status], fixture.now)).verdict === 'valid',
    // The live preview's detector (the question it answers is "is there a face, and where"); the full-range one,
    // which analyse() and templates use, is its own row.
    detect: async (i) => (await faces.detectFaces(face(i), { detector: 'short-range' })).length > 0,
    'detect-full-range': async (i) => (await faces.detectFaces(face(i))).length > 0,
    'detect+landmarks': async (i) => (await faces.analyse(face(i))).faces.length > 0,
    // The embedding chain without the template step (quantise + header, microseconds), which full-verify includes.
    'detect+landmarks+embed': async (i) => (await faces.analyse(face(i), { embed: true, maxAnalysed: 1 })).faces[0]?.embedding !== undefined,
  };
  if ('error' in enrolled) pending['full-verify'] = `enrolment failed in the engine: ${enrolled.error}`;
  else if (!enrolled.template) pending['full-verify'] = 'no enrolment template: the enrolment frames failed the quality gates';
  else if (!qrFrame) pending['full-verify'] = 'the QR reader read none of the QR frames';
  else {
    const frame = qrFrame;
    const probe = await faces.template(face(0));
    if (probe.template) {
      const m = compareTemplates(enrolled.template, probe.template);
      facts.liveSimilarity = Number(m.similarity.toFixed(3));
      facts.threshold = m.threshold;
      facts.operatingPoint = m.operatingPoint;
    } else facts.liveSimilarity = `no live template on frame 0 (${probe.quality.issues.map((q) => q.code).join(', ')})`;
    // QR frame in → verdict and face decision out. The liveness session around it is user-paced (a challenge takes
    // seconds of frames), so it is not in this stage; its per-frame cost is 'liveness-frame'.
    bodies['full-verify'] = async (i) => {
      const text = decodeQrRgba(frame.data, frame.width, frame.height);
      if (!text) return false;
      const report = await verifyPresentation(text, fixture.trust, [fixture.status], fixture.now);
      const carried = report.elements.biometric_template_face as { data: Uint8Array } | undefined;
      const live = await faces.template(face(i));
      if (report.verdict !== 'valid' || !carried || !live.template) return false;
      return compareTemplates(carried.data, live.template).match;
    };
  }

  // One capture-loop frame with the passive models scored (the heaviest regular frame; capture.ts scores them every
  // 250 ms): FaceMesh analysis with the pixel sample, the passive models the default policy uses (the `liveness`
  // model; antispoof is off by default and the site neither loads nor runs it), and the session update (texture
  // tracking and recapture cues included).
  const passive = await createPassiveScorer({ models: '/models/', backend: { prefer: 'wasm' }, antispoof: passiveModelsFor(DEFAULT_POLICY).includes('antispoof') });
  let session = createLivenessSession({ challenge: 'passive' });
  let t0 = performance.now();
  bodies['liveness-frame'] = async (i) => {
    const analysis = await faces.analyse(face(i), { ...LIVENESS_ANALYSIS, maxAnalysed: 1 });
    const box = analysis.faces[0]?.detection.box;
    const scores = box ? await passive.scoreFrame(face(i), box) : undefined;
    // A finished session ignores frames; start a new one so every timed frame does the session's work.
    if (session.done) {
      session = createLivenessSession({ challenge: 'passive' });
      t0 = performance.now();
    }
    session.push(livenessFrame(performance.now() - t0, analysis, scores));
    return scores !== undefined;
  };

  // The texture-planarity and recapture cues alone (issue 13), on analyses made beforehand: the face engine's pixel
  // sample (a gray thumbnail and the face square, taken in the worker in the product), Lucas-Kanade tracking against
  // the previous frame with a new key frame every 500 ms, and the recapture cues. The bench frames are 0.67 s apart in
  // the clip, as a slow phone analyses them.
  const prepared = await Promise.all(
    frames.faces.map(async (f) => {
      const a = await faces.analyse(copy(f), { maxAnalysed: 1 });
      return { px: f, face: a.faces[0] };
    }),
  );
  let texture = new TextureTracker();
  let tSignals = 0;
  bodies['liveness-signals'] = async (i) => {
    const { px, face: fa } = prepared[i % n]!;
    if (!fa) return false;
    if (i % n === 0) texture = new TextureTracker();
    const sample = sampleFrame({ data: px.data, width: px.width, height: px.height }, 1, fa.detection.box);
    texture.push((tSignals += 667), sample, fa.detection.box, fa.eyeDistance);
    return recaptureFrame(sample, fa.detection.box) !== undefined;
  };

  // Trust and revocation at scale, and deflate bombs (issue 14): inputs made by bench/lib/credential-scale-fixtures.ts.
  const scale = await loadScaleStages('./scale/').catch((e: unknown) => String(e));
  if (typeof scale === 'string') for (const s of ['status-list-1e8', 'trust-list-1000', 'vical-1000', 'qr-bomb-single', 'qr-bomb-sequence', 'qr-bomb-blocks', 'qr-bomb-desk'] as const) pending[s] = `scale inputs missing: ${scale}`;
  else {
    Object.assign(bodies, scale.bodies);
    Object.assign(facts, scale.facts);
  }

  const info: PageInfo = {
    library: 'eidkit',
    label: 'eidkit',
    version: '0.1.0',
    config: [
      `createFaceEngine({ models: '/models/', backend: { prefer: 'wasm' } }) in-process on the main thread (the site runs it in a worker)`,
      `tfjs-backend-wasm 4.22.0 from /models/ (hash-pinned copies); BlazeFace (full-range) + FaceMesh (a second pass only when the recentred crop moves) + ${DEFAULT_EMBEDDER} embedding (${EMBEDDERS[DEFAULT_EMBEDDER].size} px${EMBEDDERS[DEFAULT_EMBEDDER].mirror ? ', with its mirror image' : ''})`,
      'detect = detectFaces({ detector: "short-range" }) (BlazeFace short-range, 128 px, the live preview detector); detect-full-range = detectFaces() (BlazeFace full-range, 256 px, the detector of analyse() and templates); detect+landmarks = analyse() (detection, FaceMesh, pose, image stats, quality); detect+landmarks+embed = analyse({ embed: true, maxAnalysed: 1 }); full verify = decodeQrRgba + verifyPresentation + template() + compareTemplates() (FAR 1e-3 point); liveness-frame = analyse({ ...LIVENESS_ANALYSIS, maxAnalysed: 1 }) (both FaceMesh passes) (with the pixel sample) + createPassiveScorer().scoreFrame (the models DEFAULT_POLICY uses: liveness) + a passive createLivenessSession().push(livenessFrame(...)) (texture + recapture cues included); liveness-signals = sampleFrame (gray 320 px thumbnail + face square) + TextureTracker.push (Lucas-Kanade, key frame every 500 ms) + recaptureFrame, on analyses made beforehand',
      'credential scale: status-list-1e8 = openStatusList (signature, chain, capped inflate of 25 MB) + 1,000 statusAt; trust-list-1000 / vical-1000 = openTrustList / openVical of 1,000 authorities + verifyPresentation of one presentation from the middle; qr-bomb-* = the time of the QR text that completes a deflate bomb (QrAssembler.add of the last frame after the others, or verifyPresentation of one code) until it is refused; the site runs these in the QR worker, timed here on the main thread',
      `QR: decodeQrRgba (ZXing's QR reader behind eidkit's size-retrying detector, dark-on-light only) on 640x480 frames, the code 94 % of the frame height at camera contrast, cycling through ${CAMERA_LOOKS.length} looks from a clean paste to hand-held (rotation, smoothing, noise; which ones are read is in the facts); verification = verifyPresentation(text, trust, [status], now)`,
    ],
    backend: ready.backend,
    threads: ready.threads,
    simd: ready.simd,
    crossOriginIsolated: ready.crossOriginIsolated,
    stages: Object.keys(bodies) as StageId[],
    pending,
    frames: n,
    facts: {
      frameSource: frames.source,
      qrVersion: fixture.matrix.version,
      qrTextChars: fixture.qrText.length,
      qrModulePx: Number(((Math.floor(480 * 0.94)) / (fixture.matrix.size + 8)).toFixed(2)),
      qrReadability: CAMERA_LOOKS.map((l, k) => `${describeLook(l)}: ${readable[k] ? 'read' : 'NOT read'}`).join('; '),
      presentationBytes: fixture.presentationBytes,
      enrolmentFramesUsed: enrolled.used.length,
      templateBytes: enrolled.template?.length ?? 0,
      ...facts,
    },
  };
  return { info, bodies, wasmBytes: () => tfjsWasmBytes(tf.backend()) };
});
