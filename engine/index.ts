/**
 * eidkit's public API (browser and Node). Node-only helpers (reading models from disk, copying them) are in
 * 'eidkit/node'. Nothing here imports a UI framework.
 * @module eidkit
 */
export { EidkitError, isEidkitError } from './errors.ts';

// runtime: backend choice, the pinned model manifest, verified model loading
export { initBackend, type BackendOptions, type BackendReport, type BackendName } from './runtime/backend.ts';
export { manifest, modelEntry, allEntries, type Manifest, type ManifestEntry, type ManifestFile, type ModelEntry } from './runtime/manifest.ts';
export { urlSource, type ModelSource } from './runtime/model-source.ts';
export { loadGraphModel, readVerifiedFiles, type LoadProgress } from './runtime/load-model.ts';
export { MAX_FRAME_PIXELS, type FrameInput, type RgbaImage } from './runtime/frame.ts';

// face
export * from './face/index.ts';

// liveness: active challenge, passive signals, one fusion rule
export * from './liveness/index.ts';

// credentials: ISO 18013-5 mdoc issue / present / verify, QR transport, trust and status lists
export * from './credential/index.ts';

// wallet: encrypted IndexedDB storage, non-extractable device keys, PIN gate, backup
export * from './wallet/index.ts';

// online identity checks: the relying party's framework-free component (request → wallet → verify → liveness + face)
export { mountIdentityCheck, DEFAULT_LABELS as IDENTITY_CHECK_LABELS } from './credential/web-identity-check.ts';
export type { IdentityCheckOptions, IdentityCheckResult, IdentityCheckFace, IdentityCheckLabels } from './credential/web-identity-check.ts';
