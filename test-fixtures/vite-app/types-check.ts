// Type-checked by scripts/package-app.e2e.test.ts with `strict` and without `skipLibCheck`: every public declaration
// the package ships must compile in an app that has no tfjs types (nothing of a third party may leak).
import * as browser from 'eidkit';
import * as node from 'eidkit/node';
import { createFaceEngine as workerOnly, type FaceEngine as WorkerOnlyEngine } from 'eidkit/face-engine';
import type { FaceEngine, FaceEngineOptions, VerificationReport } from 'eidkit';

const options: FaceEngineOptions = { models: '/eidkit-models/' };
const inPage: FaceEngine = browser.createFaceEngine(options);
const inNode: FaceEngine = node.createFaceEngine({ models: node.packageSource() });
const lean: WorkerOnlyEngine = workerOnly(options);
export const used: unknown[] = [inPage, inNode, lean, node.decodeImageFile, node.faceTemplateFromFile, browser.verifyPresentation, node.copyModels, null as unknown as VerificationReport];
