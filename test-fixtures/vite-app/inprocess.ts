// The face engine and the passive liveness scorer in-process on the page (no worker): the vendored tfjs must keep its
// backend and kernel registrations through the app bundler's tree-shaking.
import { createFaceEngine, createPassiveScorer } from 'eidkit';

try {
  const video = document.querySelector('video')!;
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
  await video.play();
  const faces = createFaceEngine({ models: '/eidkit-models/', backend: { prefer: 'wasm' } });
  const info = await faces.ready();
  const found = await faces.detectFaces(await createImageBitmap(video));
  const passive = await createPassiveScorer({ models: '/eidkit-models/', backend: { prefer: 'wasm' } });
  const scores = found[0] ? await passive.scoreFrame(await createImageBitmap(video), found[0].box) : undefined;
  Object.assign(window, { eidkitResult: { info, found, preview: found, scores } });
} catch (e) {
  Object.assign(window, { eidkitError: String(e) });
}
