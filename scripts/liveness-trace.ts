// Prints a recording's per-frame liveness measures (yaw, pitch, mouth opening, corrected eye opening), to find where
// its person performs each action (the `actions` marks of a spliced evaluation entry). Labelling, not tuning: it
// reads what the face did, and no threshold is chosen from it.
//
//   node --import tsx scripts/liveness-trace.ts <file.mjpeg> [--fps 15] [--from s] [--to s]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import jpeg from 'jpeg-js';
import { createFaceEngine } from '../engine/face/index.ts';
import { packageSource } from '../engine/runtime/node-source.ts';
import { LIVENESS_ANALYSIS, livenessFrame } from '../engine/liveness/from-face.ts';
import { measureFace } from '../engine/liveness/measures.ts';
import { MJPEG_FPS, splitMjpeg } from '../engine/liveness/mjpeg.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { fps: { type: 'string', default: '15' }, from: { type: 'string' }, to: { type: 'string' } } });
if (positionals.length !== 1) {
  console.error('usage: node --import tsx scripts/liveness-trace.ts <file.mjpeg> [--fps 15] [--from s] [--to s]');
  process.exit(2);
}
const frames = splitMjpeg(new Uint8Array(readFileSync(positionals[0]!)));
const step = Math.max(1, Math.round(MJPEG_FPS / Number(values.fps)));
const first = Math.round(Number(values.from ?? 0) * MJPEG_FPS);
const last = Math.min(frames.length, values.to ? Math.round(Number(values.to) * MJPEG_FPS) : frames.length);
const engine = createFaceEngine({ models: packageSource(), backend: { prefer: 'wasm' } });
await engine.ready();
console.log(`${frames.length} frames (${(frames.length / MJPEG_FPS).toFixed(1)} s)\nt\tyaw\tpitch\tmouth\teyeOpen`);
for (let i = first; i < last; i += step) {
  const d = jpeg.decode(frames[i]!, { useTArray: true, formatAsRGBA: true });
  const analysis = await engine.analyse({ data: d.data, width: d.width, height: d.height }, { ...LIVENESS_ANALYSIS, sample: false, maxAnalysed: 1 });
  const f = livenessFrame(0, analysis).face;
  const t = (i / MJPEG_FPS).toFixed(2);
  if (!f) {
    console.log(`${t}\t-`);
    continue;
  }
  const m = measureFace(0, f);
  console.log([t, m.yaw.toFixed(1), m.pitch.toFixed(1), m.mouth.toFixed(3), m.eyeOpen.toFixed(3)].join('\t'));
}
await engine.dispose();
