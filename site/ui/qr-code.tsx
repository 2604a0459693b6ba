import { createEffect, createSignal, onCleanup, Show } from 'solid-js';
import { qrMatrix } from '../../engine/credential/index.ts';
import { t } from '../i18n/i18n.ts';

/**
 * A QR code drawn on a canvas (crisp at any size, no image data URL). With several `frames` it animates through them
 * (an animated multi-frame QR the scanner assembles in any order), showing which frame is on screen.
 */
export function QrCode(props: { frames: readonly string[]; label: string; intervalMs?: number; testId?: string }) {
  let canvas!: HTMLCanvasElement;
  const [index, setIndex] = createSignal(0);
  const [version, setVersion] = createSignal(0);

  createEffect(() => {
    const frames = props.frames;
    setIndex(0);
    if (frames.length <= 1) return;
    const timer = setInterval(() => setIndex((i) => (i + 1) % frames.length), props.intervalMs ?? 300);
    onCleanup(() => clearInterval(timer));
  });

  createEffect(() => {
    const text = props.frames[index()];
    if (text === undefined) return;
    const m = qrMatrix(text, 'M');
    setVersion(m.version);
    const margin = 4;
    const px = Math.max(2, Math.floor(1024 / (m.size + 2 * margin)));
    const side = (m.size + 2 * margin) * px;
    canvas.width = side;
    canvas.height = side;
    const g = canvas.getContext('2d')!;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, side, side);
    g.fillStyle = '#000';
    for (let r = 0; r < m.size; r++) {
      for (let c = 0; c < m.size; c++) if (m.modules[r * m.size + c]) g.fillRect((c + margin) * px, (r + margin) * px, px, px);
    }
  });

  return (
    <figure class="qr">
      <canvas ref={canvas} role="img" aria-label={props.label} data-testid={props.testId ?? 'qr'} data-version={version()} />
      <Show when={props.frames.length > 1}>
        <figcaption class="hint">{t().qr.frame(index() + 1, props.frames.length)}</figcaption>
      </Show>
    </figure>
  );
}
