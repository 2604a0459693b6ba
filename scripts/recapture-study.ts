// Per-recording summary of the frame-edge and lattice recapture cues, as their thresholds were set (dev split only:
// the bona fide webcam-man and blink-woman videos and the dev replays in .cache/liveness/). Uses the real per-frame
// functions on the face engine's pixel samples, every n-th frame of the whole recording, outside any session.
//
//   node --import tsx scripts/recapture-study.ts [--fps 3] <file.mjpeg> ...
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { createFaceEngine } from '../engine/face/index.ts';
import { packageSource } from '../engine/runtime/node-source.ts';
import { frameEdgeSides, latticeScore } from '../engine/liveness/recapture.ts';
import { quantile } from '../engine/liveness/measures.ts';
import { analyseMjpeg } from '../engine/liveness/video.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { fps: { type: 'string', default: '3' } } });
if (positionals.length === 0) {
  console.error('usage: node --import tsx scripts/recapture-study.ts [--fps 3] <file.mjpeg> ...');
  process.exit(2);
}
const face = createFaceEngine({ models: packageSource(), backend: { prefer: 'wasm' } });
await face.ready();
console.log('recording\tframes\tframe-edge share (>= 3 sides)\tlattice median [p10-p90] max');
for (const file of positionals) {
  const sides: number[] = [];
  const lattice: number[] = [];
  for await (const frame of analyseMjpeg(new Uint8Array(readFileSync(file)), { face, fps: Number(values.fps) })) {
    const f = frame.face;
    if (!f?.sample) continue;
    sides.push(frameEdgeSides(f.sample));
    const l = latticeScore(f.sample, f.box);
    if (l !== undefined) lattice.push(l);
  }
  const q = (p: number): string => (lattice.length ? quantile(lattice, p).toFixed(1) : '-');
  const share = sides.length ? sides.filter((s) => s >= 3).length / sides.length : 0;
  console.log(`${basename(file)}\t${sides.length}\t${share.toFixed(2)}\t${q(0.5)} [${q(0.1)}-${q(0.9)}] ${q(1)}`);
}
await face.dispose();
