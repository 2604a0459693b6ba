// Builds the bench pages (vite) into dist/bench and lays out what they load: eidkit's hash-checked models, the peers'
// model folders and the tfjs wasm files straight from node_modules (symlinks: served same-origin, never from a CDN),
// and camera frames cut from the shared fixture video (never copied into the repository).
import { build } from 'vite';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { copyModels } from '../../engine/node.ts';
import { splitMjpeg } from '../../engine/liveness/mjpeg.ts';
// @ts-expect-error: plain ESM script without types
import { precompress } from '../../scripts/lib/precompress.mjs';
import { writeScaleFixtures } from './credential-scale-fixtures.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const OUT = join(ROOT, 'dist/bench');

/** The fixture video the face stages run on: a man at a 4:3 webcam, the closest thing here to a verifier's camera. */
export const FRAME_VIDEO = 'video/webcam-man-400x300.mjpeg';
/** Frames timed (every 20th of the first 200, i.e. 6.7 s of the clip) and the frames enrolled into the credential. */
const FACE_FRAMES = [0, 20, 40, 60, 80, 100, 120, 140, 160, 180];
const ENROL_FRAMES = [300, 310, 320];

export interface Prepared {
  readonly dir: string;
  readonly frames: number;
  /** Why face frames are missing, when they are. */
  readonly framesMissing?: string;
}

export function fixturesDir(): string {
  return process.env.EIDKIT_FIXTURES ?? join(ROOT, '../shared/fixtures');
}

/** An installed package's folder (not every package exports its package.json, so no require.resolve). */
function packageDir(name: string): string {
  const dir = join(ROOT, 'node_modules', name);
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`${name} is not installed (npm install)`);
  return dir;
}

function link(target: string, at: string): void {
  mkdirSync(dirname(at), { recursive: true });
  rmSync(at, { force: true, recursive: true });
  symlinkSync(relative(dirname(at), target), at);
}

export async function preparePages(log: (s: string) => void): Promise<Prepared> {
  log('building bench pages (vite) into dist/bench');
  const pages = join(ROOT, 'bench/pages');
  await build({
    configFile: false,
    root: pages,
    base: '/',
    logLevel: 'warn',
    build: {
      outDir: OUT,
      emptyOutDir: true,
      target: 'es2022',
      // One bundle per page: the peers bundle their own tfjs and must not share chunks with ours.
      rollupOptions: {
        input: {
          eidkit: join(pages, 'eidkit.html'),
          'face-api': join(pages, 'face-api.html'),
          human: join(pages, 'human.html'),
          coldstart: join(pages, 'coldstart.html'),
          faceplugin: join(pages, 'faceplugin.html'),
        },
      },
      chunkSizeWarningLimit: 5000,
    },
    // FacePlugin's SDK imports 'onnxruntime-web' and runs the wasm execution provider only: the wasm-only build (its
    // 15 MB wasm) rather than the default one with WebGPU (29 MB), the same kernels either way.
    resolve: { alias: [{ find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/wasm' }] },
  });
  log('copying hash-checked eidkit models into dist/bench/models');
  // Optional entries too (the passive liveness models, the embedding candidates a stage may load).
  await copyModels(join(OUT, 'models'), undefined, undefined, { includeOptional: true });
  link(join(packageDir('@vladmandic/face-api'), 'model'), join(OUT, 'peers/face-api/model'));
  link(join(packageDir('@vladmandic/human'), 'models'), join(OUT, 'peers/human/models'));
  link(join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist'), join(OUT, 'peers/tfjs-wasm'));
  // FacePlugin's SDK fetches '../model/*.onnx' and '../js/opencv.js' relative to its page (at the root here).
  link(join(packageDir('faceplugin-face-recognition-js'), 'model'), join(OUT, 'model'));
  link(join(packageDir('faceplugin-face-recognition-js'), 'js'), join(OUT, 'js'));
  link(join(packageDir('onnxruntime-web'), 'dist'), join(OUT, 'peers/ort'));
  await buildSite(log);
  await writeScaleFixtures(join(OUT, 'scale'), log);
  // As a host serving the build's brotli / gzip copies would (scripts/serve.mjs does): the stand-in page and the site.
  log('precompressing dist/bench (brotli, gzip)');
  await precompress(OUT);
  return { dir: OUT, ...writeFrames() };
}

/** The site as a verifier gets it, built from this tree into dist/bench/site: the start-up runs measure exactly the
 * code under test, and a concurrent `npm test` rebuilding dist/site cannot pull the files away mid-run. */
export const SITE_OUT = join(OUT, 'site');

async function buildSite(log: (s: string) => void): Promise<void> {
  log('building the site (vite, the project config) into dist/bench/site');
  const code = await new Promise<number>((ok, fail) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'warn', '--outDir', SITE_OUT, '--emptyOutDir'], { cwd: ROOT, stdio: 'inherit' });
    child.once('error', fail);
    child.once('exit', (c) => ok(c ?? 1));
  });
  if (code !== 0) throw new Error(`site build failed (exit ${code})`);
  await copyModels(join(SITE_OUT, 'models'));
}

function writeFrames(): { frames: number; framesMissing?: string } {
  const dir = join(OUT, 'frames');
  mkdirSync(dir, { recursive: true });
  const video = join(fixturesDir(), FRAME_VIDEO);
  if (!existsSync(video)) {
    writeFileSync(join(dir, 'frames.json'), JSON.stringify({ source: 'none', faces: [], enrol: [] }));
    return { frames: 0, framesMissing: `${video} not found (set EIDKIT_FIXTURES): face stages skipped` };
  }
  const all = splitMjpeg(readFileSync(video));
  const pick = (idx: number[], prefix: string): string[] =>
    idx.map((i) => {
      const name = `${prefix}-${i}.jpg`;
      writeFileSync(join(dir, name), all[i]!);
      return name;
    });
  const manifest = {
    source: `${FRAME_VIDEO} frames ${FACE_FRAMES.join(',')} (enrolment ${ENROL_FRAMES.join(',')}), scaled to 640x480`,
    faces: pick(FACE_FRAMES, 'face'),
    enrol: pick(ENROL_FRAMES, 'enrol'),
  };
  writeFileSync(join(dir, 'frames.json'), JSON.stringify(manifest));
  return { frames: manifest.faces.length };
}
