/**
 * The face engine (in its worker) and the passive liveness models, created once per page on first use, with model
 * download progress as a signal. Only lazily loaded chunks import this file: tfjs never weighs on a first paint.
 */
import { createSignal } from 'solid-js';
import { createFaceEngine, type FaceEngine } from '../../engine/face/index.ts';
import { createPassiveScorer, type PassiveScorer } from '../../engine/liveness/index.ts';
import { SITE_RUNS_ANTISPOOF } from '../pwa/models.ts';

export const MODELS_URL = '/models/';

const [loading, setLoading] = createSignal<Readonly<Record<string, { loaded: number; total: number }>>>({});
export const faceModelProgress = () => {
  const all = Object.values(loading());
  return { loaded: all.reduce((n, p) => n + p.loaded, 0), total: all.reduce((n, p) => n + p.total, 0) };
};

const track = (p: { id: string; loaded: number; total: number }) => setLoading((s) => ({ ...s, [p.id]: { loaded: p.loaded, total: p.total } }));

let engine: Promise<FaceEngine> | undefined;
let passive: Promise<PassiveScorer> | undefined;

export function faceEngine(): Promise<FaceEngine> {
  engine ??= (async () => {
    const worker = new Worker(new URL('../../workers/face.worker.ts', import.meta.url), { type: 'module', name: 'eidkit-face' });
    const e = createFaceEngine({ models: MODELS_URL, worker, onProgress: track });
    await e.ready();
    return e;
  })();
  engine.catch(() => (engine = undefined));
  return engine;
}

export function passiveScorer(): Promise<PassiveScorer> {
  passive ??= createPassiveScorer({ models: MODELS_URL, onProgress: track, antispoof: SITE_RUNS_ANTISPOOF });
  passive.catch(() => (passive = undefined));
  return passive;
}
