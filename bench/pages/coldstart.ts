/// <reference lib="dom" />
// Stand-in for the site's verify page until it signals readiness: only what a verifier's page must load, no UI.
// It sets the same DOM signals the site is asked to set (data-ready-scan, data-ready-face), so the driver measures
// both the same way. The face engine runs in-process here, so the CPU throttle applies to model start-up too.
import * as tf from '@tensorflow/tfjs-core';
import { createFaceEngine } from '../../engine/index.ts';
import { singleThreadWasm } from './runtime.ts';

singleThreadWasm(tf);
import { decodeQrRgba, verifyPresentation } from '../../engine/credential/index.ts';

const root = document.documentElement;
// Scanning needs jsQR and the verifier; touching both proves they are loaded and compiled.
void verifyPresentation;
decodeQrRgba(new Uint8ClampedArray(32 * 32 * 4), 32, 32);
root.setAttribute('data-ready-scan', '');

const faces = createFaceEngine({ models: '/models/', backend: { prefer: 'wasm' } });
await faces.ready();
// template() on an empty frame loads the embedding network too: "face check ready" means nothing left to download.
await faces.template({ data: new Uint8ClampedArray(64 * 64 * 4), width: 64, height: 64 });
root.setAttribute('data-ready-face', '');
