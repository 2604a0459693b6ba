import { DEFAULT_POLICY, PASSIVE_MODELS, passiveModelsFor } from '../../engine/liveness/decide.ts';

/**
 * The models the site loads: every model in the pinned manifest (models/manifest.json) that is not marked optional —
 * detection, landmarks, the default embedding, and the passive liveness models the default policy scores. The
 * service worker precaches exactly these plus the wasm runtime; the verify page prefetches them with progress. Optional entries (embedding candidates the
 * face module only evaluates, peers' weights) are left out, and `eidkit models copy` does not copy them either, so
 * the site follows the engine's default embedding model without a list of its own to keep in step.
 */
export function siteModels<M extends { readonly id: string; readonly optional?: boolean }>(models: readonly M[]): M[] {
  return models.filter((m) => m.optional !== true && !SKIPPED.includes(m.id));
}

/**
 * Passive liveness models the site's liveness policy (the engine's default) does not score: not downloaded, not
 * precached, not run (site/lib/face.ts). Imported from the pure policy module, not the engine's liveness index, so
 * the verify page's first chunk stays free of tfjs.
 */
const SKIPPED: readonly string[] = PASSIVE_MODELS.filter((id) => !passiveModelsFor(DEFAULT_POLICY).includes(id));
export const SITE_RUNS_ANTISPOOF = !SKIPPED.includes('antispoof');
