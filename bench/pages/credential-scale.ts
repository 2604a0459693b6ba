// The page side of bench/credential-scale.ts: the same stage bodies `npm run bench` times on the eidkit page
// (bench/pages/credential-scale-stages.ts), on their own page without the face engine.
import { loadScaleStages } from './credential-scale-stages.ts';
import type { StageId } from './protocol.ts';
import type { StageBody } from './runtime.ts';

let bodies: Partial<Record<StageId, StageBody>> = {};

const g = globalThis as unknown as { scaleReady: boolean; scaleLoad(): Promise<void>; scaleRun(stage: StageId): Promise<{ ok: boolean; ms: number }> };

g.scaleLoad = async () => {
  bodies = (await loadScaleStages('/scale/')).bodies;
};

g.scaleRun = async (stage) => {
  const body = bodies[stage];
  if (!body) throw new Error(`no stage ${stage}`);
  const t0 = performance.now();
  const out = await body(0);
  return typeof out === 'boolean' ? { ok: out, ms: performance.now() - t0 } : out;
};

g.scaleReady = true;
