// A synthetic camera for the light challenge's browser test: a canvas MediaStream (captureStream) handed to the page
// instead of getUserMedia. It films a photo of a person in front of a far wall.
// - 'live': the person sits a hand's width from the page's screen, so their face and body take on the colour the
//   page shows now (after a camera delay); the far wall does not.
// - 'replay': a recording shown on another screen: its own lighting changes on its own, and the page's colour only
//   glints off that screen's glass, on person and wall alike.
export type Rgb = readonly [number, number, number];

export interface SyntheticCameraOptions {
  readonly photo: CanvasImageSource & { width: number; height: number };
  readonly mode: 'live' | 'replay';
  /** The colour the page's screen shows now, 0..1 per channel. */
  readonly screenColour: () => Rgb;
  readonly latencyMs?: number;
  readonly fps?: number;
}

/**
 * Self-contained (no outside references), so a test can also install it in a page as an init script
 * (`syntheticCamera.toString()`).
 */
export function syntheticCamera(o: SyntheticCameraOptions): { stream: MediaStream; stop(): void } {
  const OWN_LIGHT: readonly Rgb[] = [
    [1, 0.8, 0.8],
    [0.8, 1, 0.85],
    [0.85, 0.85, 1],
    [1, 1, 0.8],
  ];
  const W = 480;
  const H = 360;
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d')!;
  const history: { t: number; c: Rgb }[] = [];
  const latency = o.latencyMs ?? 120;
  // The person: the photo scaled to 300 px high, in the middle; the wall around it.
  const ph = 300;
  const pw = Math.round((o.photo.width / o.photo.height) * ph);
  const px = Math.round((W - pw) / 2);
  const py = Math.round((H - ph) / 2);
  const css = (c: readonly number[]): string => `rgb(${c.map((v) => Math.round(Math.max(0, Math.min(1, v)) * 255)).join(',')})`;
  const draw = (): void => {
    const now = performance.now();
    history.push({ t: now, c: o.screenColour() });
    while (history.length > 2 && history[1]!.t <= now - latency) history.shift();
    const lit = history[0]!.c;
    ctx.globalCompositeOperation = 'source-over';
    ctx.fillStyle = 'rgb(118,124,132)';
    ctx.fillRect(0, 0, W, H);
    ctx.drawImage(o.photo, px, py, pw, ph);
    if (o.mode === 'live') {
      // Reflected light = albedo x (ambient + screen): the screen adds up to 60 % on the near person, per channel.
      ctx.globalCompositeOperation = 'multiply';
      ctx.fillStyle = css(lit.map((v) => (0.7 + 0.6 * v) / 1.3));
      ctx.fillRect(px, py, pw, ph);
    } else {
      const own = OWN_LIGHT[Math.floor(now / 700) % OWN_LIGHT.length]!;
      ctx.globalCompositeOperation = 'multiply';
      ctx.fillStyle = css(own);
      ctx.fillRect(px, py, pw, ph);
      // Our light glinting on the replay screen's glass: everywhere alike.
      ctx.globalCompositeOperation = 'lighter';
      ctx.fillStyle = css(lit.map((v) => 0.06 * v));
      ctx.fillRect(0, 0, W, H);
    }
  };
  draw();
  const timer = setInterval(draw, 1000 / (o.fps ?? 30));
  const stream = canvas.captureStream(o.fps ?? 30);
  return {
    stream,
    stop() {
      clearInterval(timer);
      for (const t of stream.getTracks()) t.stop();
    },
  };
}
