/**
 * The model ids the site loads (detection, landmarks, the embedding the face module uses, liveness's passive models).
 * The service worker precaches exactly these plus the wasm runtime; the verify page prefetches them with progress.
 * Candidates the face module only evaluates (faceres-deep, the dlib weights) are left out: 20 MB no page uses.
 */
export const SITE_MODELS: readonly string[] = ['blazeface', 'facemesh', 'faceres', 'antispoof', 'liveness'];
