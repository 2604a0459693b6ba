/**
 * Two languages, Simplified Chinese and English, picked from navigator.languages on first visit and switchable; the
 * choice is remembered on this device only. `t()` is reactive: components that read it re-render on a switch.
 */
import { createSignal } from 'solid-js';
import { en, type Messages } from './en.ts';
import { zh } from './zh.ts';
import { pickLocale, type Locale } from './pick-locale.ts';

export type { Locale };
export { pickLocale };
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
const CATALOGS: Readonly<Record<Locale, Messages>> = { en, 'zh-CN': zh };
const STORAGE_KEY = 'eidkit.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // Storage can be blocked (private mode, policy); fall back to the browser's preference.
  }
  const prefs = navigator.languages?.length ? navigator.languages : [navigator.language];
  return pickLocale(prefs);
}

const [locale, setLocaleSignal] = createSignal<Locale>(initialLocale());
document.documentElement.lang = locale();

export { locale };
export const t = (): Messages => CATALOGS[locale()];

export function setLocale(next: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered, but still switched for this visit.
  }
  document.documentElement.lang = next;
  setLocaleSignal(next);
}

/** Dates and numbers in the reader's language. */
export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}
export function formatDate(ms: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(ms);
}
export function formatBytes(n: number): string {
  const fmt = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 });
  if (n < 1024) return `${fmt.format(n)} B`;
  if (n < 1024 * 1024) return `${fmt.format(n / 1024)} KB`;
  return `${fmt.format(n / 1024 / 1024)} MB`;
}

/** A stable error code's sentence in the reader's language, or undefined for a code the catalogue does not know. */
export function codeText(code: string): string | undefined {
  const codes = t().codes as Readonly<Record<string, string>>;
  return Object.hasOwn(codes, code) ? codes[code] : undefined;
}

/** What to tell a person about an error: its stable code's sentence when it has one, else the error's own message. */
export function errorText(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return (typeof code === 'string' ? codeText(code) : undefined) ?? (e instanceof Error ? e.message : String(e));
}
