/**
 * How the first landmark crop and the second-pass rule (engine/face/facemesh.ts: MESH_CROP_SIDE, MESH_CROP_RISE,
 * CROP_AGREEMENT) were chosen. Maintainer tool, Node, needs EIDKIT_FIXTURES:
 *
 *   node --import tsx scripts/mesh-crop-study.ts
 *
 * On 501 fixture faces (every 9th lfw-dev identity, the people set, every 15th frame of the three camera videos) it
 * runs the former pipeline (FaceMesh on BlazeFace's box x 1.4, then again on the crop recentred on that mesh) and
 * prints where the recentred crop lands relative to the box (median side and centre shift: the predicted crop), then
 * how far one pass on the predicted crop is from the former result, for the faces the rule accepts, against how far a
 * third pass moves the former result. Distances are the mean landmark displacement over the mesh, in eye distances.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { decodeFile } from './eval/images.ts';
import { initBackend } from '../engine/runtime/backend.ts';
import { packageSource } from '../engine/runtime/node-source.ts';
import { loadGraphModel } from '../engine/runtime/load-model.ts';
import { BlazeFaceDetector } from '../engine/face/blazeface.ts';
import { cropsAgree, FACEMESH_INPUT, FaceMeshModel, meshCropFor, meshCropFromMesh, point, windowOf, type Mesh } from '../engine/face/facemesh.ts';
import { FrameRaster } from '../engine/face/crop.ts';
import { squareWindow } from '../engine/face/geometry.ts';
import { splitMjpeg } from '../engine/liveness/mjpeg.ts';
import type { RgbaImage } from '../engine/runtime/frame.ts';

const fixtures = process.env.EIDKIT_FIXTURES ?? join(import.meta.dirname, '../../shared/fixtures');

function faces(): [string, RgbaImage][] {
  const out: [string, RgbaImage][] = [];
  const lfw = join(fixtures, 'faces/lfw-dev/images');
  const names = readdirSync(lfw).sort();
  for (let i = 0; i < names.length; i += 9) {
    const file = readdirSync(join(lfw, names[i]!)).sort()[0]!;
    out.push([`lfw/${file}`, decodeFile(join(lfw, names[i]!, file))]);
  }
  const people = join(fixtures, 'faces/people');
  for (const p of readdirSync(people).sort()) for (const f of readdirSync(join(people, p)).sort()) out.push([`people/${f}`, decodeFile(join(people, p, f))]);
  const video = join(fixtures, 'video');
  for (const v of readdirSync(video).filter((f) => f.endsWith('.mjpeg')).sort()) {
    const frames = splitMjpeg(readFileSync(join(video, v)));
    for (let i = 0; i < frames.length; i += 15) {
      const img = jpeg.decode(frames[i]!, { useTArray: true, formatAsRGBA: true });
      out.push([`video/${v}#${i}`, { data: img.data, width: img.width, height: img.height }]);
    }
  }
  return out;
}

const eyeDistance = (m: Mesh) => Math.hypot(point(m, 33)[0] - point(m, 263)[0], point(m, 33)[1] - point(m, 263)[1]);
function displacement(a: Mesh, b: Mesh): number {
  let sum = 0;
  for (let i = 0; i < 468; i++) sum += Math.hypot(a[3 * i]! - b[3 * i]!, a[3 * i + 1]! - b[3 * i + 1]!);
  return sum / 468 / eyeDistance(b);
}
const quantiles = (v: number[]) => {
  const s = [...v].sort((x, y) => x - y);
  return [0.5, 0.95, 1].map((q) => s[Math.round(q * (s.length - 1))]!.toFixed(4)).join(' / ');
};

await initBackend({ prefer: 'wasm' });
const detector = new BlazeFaceDetector(await loadGraphModel('blazeface', packageSource()));
const mesh = new FaceMeshModel(await loadGraphModel('facemesh', packageSource()));
const rows: { set: string; side: number; rise: number; accepted: boolean; onePass: number; thirdPass: number }[] = [];
for (const [name, px] of faces()) {
  const frame = new FrameRaster(px);
  let found = await detector.detect(px);
  if (found.length === 0) found = await detector.detect(px, { padding: 0.5 });
  const d = [...found].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
  if (!d) continue;
  const { box, keypoints } = d;
  const boxSide = Math.max(box.width, box.height);
  const roll = Math.atan2(keypoints.leftEye[1] - keypoints.rightEye[1], keypoints.leftEye[0] - keypoints.rightEye[0]);
  // The former pipeline: human's crop (box x 1.4), then the crop recentred on its mesh.
  const m1 = await mesh.run(frame, squareWindow([box.x + box.width / 2, box.y + box.height / 2], boxSide * 1.4, roll, FACEMESH_INPUT));
  const recentred = meshCropFromMesh(m1.mesh);
  const m2 = await mesh.run(frame, recentred);
  const former = m2.faceScore >= m1.faceScore * 0.9 ? m2 : m1;
  const third = await mesh.run(frame, meshCropFromMesh(m2.mesh));
  const w = windowOf(recentred);
  // Today's first pass, and whether the rule keeps it.
  const first = meshCropFor(d);
  const one = await mesh.run(frame, first);
  rows.push({
    set: name.split('/')[0]!,
    side: w.side / boxSide,
    rise: (box.y + box.height / 2 - w.centre[1]) / boxSide,
    accepted: cropsAgree(first, meshCropFromMesh(one.mesh)),
    onePass: displacement(one.mesh, former.mesh),
    thirdPass: displacement(third.mesh, former.mesh),
  });
}
const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
const kept = rows.filter((r) => r.accepted);
console.log(`${rows.length} faces`);
console.log(`recentred crop: side ${median(rows.map((r) => r.side)).toFixed(3)} box sides, centre ${median(rows.map((r) => r.rise)).toFixed(3)} box sides above the box's centre (medians)`);
const share = (set: string) => `${set} ${kept.filter((r) => r.set === set).length}/${rows.filter((r) => r.set === set).length}`;
console.log(`one pass kept by the rule: ${kept.length} (${((100 * kept.length) / rows.length).toFixed(0)} %; ${['lfw', 'people', 'video'].map(share).join(', ')})`);
console.log(`  kept one pass vs former result, median / p95 / max: ${quantiles(kept.map((r) => r.onePass))}`);
console.log(`third pass vs former result, all faces:           ${quantiles(rows.map((r) => r.thirdPass))}`);
