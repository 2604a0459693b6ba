/**
 * Node-only additions to eidkit's API: models from disk, the copy step behind `eidkit models copy`, image files and
 * templates from photos. Everything in `eidkit` is exported here too.
 * @module eidkit/node
 */
export * from './index.ts';
export { dirSource, packageSource } from './runtime/node-source.ts';
export { copyModels, type CopyReport } from './runtime/copy-models.ts';
export { decodeImageFile, faceTemplateFromFile } from './node-image.ts';
