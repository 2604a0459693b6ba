#!/usr/bin/env node
// Renders the app icons (PNG) from site/public/icon.svg with the Chromium the tests use, for platforms that want
// raster icons (Android install, iOS home screen). Run after changing icon.svg: `node site/build/icons.mjs`.
// The maskable variant pads the artwork into the 80 % safe zone on the icon's own background colour.
import { chromium } from 'playwright-core';
import { readFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const pub = fileURLToPath(new URL('../public/', import.meta.url));
const svg = await readFile(`${pub}icon.svg`, 'utf8');
const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
const targets = [
  { file: 'icons/icon-192.png', size: 192, maskable: false },
  { file: 'icons/icon-512.png', size: 512, maskable: false },
  { file: 'icons/maskable-512.png', size: 512, maskable: true },
  { file: 'icons/apple-touch-icon.png', size: 180, maskable: true },
];
await mkdir(`${pub}icons`, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const t of targets) {
    const page = await browser.newPage({ viewport: { width: t.size, height: t.size } });
    const inner = t.maskable ? Math.round(t.size * 0.8) : t.size;
    const background = t.maskable ? '#0b5cad' : 'transparent';
    await page.setContent(
      `<html><body style="margin:0;background:${background};display:flex;align-items:center;justify-content:center;width:${t.size}px;height:${t.size}px">` +
        `<img src="${dataUrl}" width="${inner}" height="${inner}"></body></html>`,
    );
    await page.screenshot({ path: `${pub}${t.file}`, omitBackground: !t.maskable });
    await page.close();
    console.log(`wrote site/public/${t.file}`);
  }
} finally {
  await browser.close();
}
