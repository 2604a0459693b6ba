/** File and image plumbing shared by the credential commands (keygen, trust-list, issue, present, verify, status). */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { EidkitError } from '../../errors.ts';
import type { CliIo, ParsedArgs } from '../command.ts';
import { flagString } from '../command.ts';
import { escapeControlsKeepNewlines } from '../escape.ts';
import { fromKeyFile, type KeyFile, type LoadedKey } from '../../credential/issuer-keys.ts';
import { certificateFromPem } from '../../credential/x509.ts';
import { decodeQrRgba, qrMatrix, renderQrRgba } from '../../credential/qr-image.ts';

export function path(io: CliIo, p: string): string {
  return resolve(io.cwd, p);
}

export function readBytes(io: CliIo, p: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path(io, p)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (code ?? 'error');
    throw new EidkitError('cli/file', `Cannot read ${p}: ${why}.`, { path: p });
  }
}

export function readText(io: CliIo, p: string): string {
  return new TextDecoder().decode(readBytes(io, p));
}

export function readJson(io: CliIo, p: string): unknown {
  try {
    return JSON.parse(readText(io, p));
  } catch (e) {
    if (e instanceof EidkitError) throw e;
    throw new EidkitError('cli/bad-json', `${p} is not valid JSON.`, { path: p });
  }
}

export function writeBytes(io: CliIo, p: string, data: Uint8Array | string, mode?: number): string {
  const full = path(io, p);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, data, mode === undefined ? undefined : { mode });
  return full;
}

export function required(args: ParsedArgs, name: string, what: string): string {
  const v = flagString(args, name);
  if (!v) throw new EidkitError('cli/usage', `--${name} <${what}> is required.`);
  return v;
}

export function list(args: ParsedArgs, name: string): string[] {
  const v = flagString(args, name);
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export function dateFlag(args: ParsedArgs, name: string): Date | undefined {
  const v = flagString(args, name);
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new EidkitError('cli/usage', `--${name} must be an ISO 8601 time like 2026-01-31T12:00:00Z.`);
  return new Date(t);
}

export function numberFlag(args: ParsedArgs, name: string, fallback: number): number {
  const v = flagString(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new EidkitError('cli/usage', `--${name} must be a non-negative number.`);
  return n;
}

export async function loadKey(io: CliIo, p: string, role?: KeyFile['role']): Promise<LoadedKey> {
  return fromKeyFile(readJson(io, p), role);
}

/** A certificate from a .pem/.der file or from an eidkit key file that carries one. */
export function readCertificate(io: CliIo, p: string): Uint8Array {
  const bytes = readBytes(io, p);
  const text = new TextDecoder().decode(bytes);
  if (text.trimStart().startsWith('{')) {
    const j = JSON.parse(text) as { certificate?: string };
    if (!j.certificate) throw new EidkitError('cli/usage', `${p} holds no certificate.`);
    return certificateFromPem(j.certificate);
  }
  if (text.includes('-----BEGIN CERTIFICATE-----')) return certificateFromPem(text);
  return bytes;
}

export interface Rgba {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

export function readImage(bytes: Uint8Array, name: string): Rgba {
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) {
      const png = PNG.sync.read(Buffer.from(bytes));
      return { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height };
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
      return { data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), width: img.width, height: img.height };
    }
  } catch (e) {
    throw new EidkitError('cli/bad-image', `${name} could not be decoded as an image.`, undefined, { cause: e });
  }
  throw new EidkitError('cli/bad-image', `${name} is neither PNG nor JPEG.`);
}

function downscale(img: Rgba, f: number): Rgba {
  const width = Math.floor(img.width / f);
  const height = Math.floor(img.height / f);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = ((y * f) * img.width + x * f) * 4;
      data.set(img.data.subarray(s, s + 4), (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

/** Reads the QR code in a photo or screenshot. Big phone photos are also tried at lower resolution (faster, and
 * the finder-pattern search copes better when a module is a few pixels wide). */
export function decodeQrImage(bytes: Uint8Array, name: string): string {
  const img = readImage(bytes, name);
  for (const f of [1, 2, 4]) {
    if (f > 1 && (img.width / f < 200 || img.height / f < 200)) break;
    const scaled = f === 1 ? img : downscale(img, f);
    const text = decodeQrRgba(scaled.data, scaled.width, scaled.height);
    if (text) return text;
  }
  throw new EidkitError('cli/no-qr', `No readable QR code found in ${name}.`);
}

export function qrPng(text: string, scale = 4): Uint8Array {
  const m = qrMatrix(text, 'M');
  const img = renderQrRgba(m, scale);
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length);
  return new Uint8Array(PNG.sync.write(png));
}

/** Prints JSON, or the human text with every control character but our own line breaks escaped (see escape.ts). */
export function emit(io: CliIo, json: boolean, value: Record<string, unknown>, human: string): void {
  io.out(json ? JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)) : escapeControlsKeepNewlines(human));
}
