// The integrator's page: start the face worker, wait until it is ready, detect a face from the camera. __WORKER__ is the
// bundler's way of starting the package's worker (bundle.mjs fills it in).
import { createFaceEngine } from 'eidkit';

(async () => {
  const video = document.querySelector('video');
  video.srcObject = await navigator.mediaDevices.getUserMedia({ video: true });
  await video.play();
  const faces = createFaceEngine({ worker: __WORKER__, models: '/eidkit-models/' });
  const info = await faces.ready();
  const found = await faces.detectFaces(await createImageBitmap(video));
  Object.assign(window, { eidkitResult: { info, found, preview: found } });
})().catch((e) => Object.assign(window, { eidkitError: `${e && e.code ? `${e.code}: ` : ''}${String(e && e.message ? e.message : e)}` }));
