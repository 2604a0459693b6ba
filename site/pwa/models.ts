/**
 * The models the site loads: every model in the pinned manifest (models/manifest.json) that is not marked optional —
 * detection, landmarks, the default embedding, liveness's passive models. The service worker precaches exactly these
 * plus the wasm runtime; the verify page prefetches them with progress. Optional entries (embedding candidates the
 * face module only evaluates, peers' weights) are left out, and `eidkit models copy` does not copy them either, so
 * the site follows the engine's default embedding model without a list of its own to keep in step.
 */
export function siteModels<M extends { readonly optional?: boolean }>(models: readonly M[]): M[] {
  return models.filter((m) => m.optional !== true);
}
