/** Node-only additions to eidkit's API: models from disk, and the copy step behind `eidkit models copy`. */
export * from './index.ts';
export { dirSource, packageSource } from './runtime/node-source.ts';
export { copyModels, type CopyReport } from './runtime/copy-models.ts';
