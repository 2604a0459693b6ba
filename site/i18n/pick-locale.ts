export type Locale = 'en' | 'zh-CN';

/** Any Chinese preference (zh, zh-CN, zh-TW, zh-Hans ...) gets the Chinese UI; the first of zh/en listed wins; else English. */
export function pickLocale(preferences: readonly string[]): Locale {
  for (const p of preferences) {
    const lang = p.toLowerCase();
    if (lang.startsWith('zh')) return 'zh-CN';
    if (lang.startsWith('en')) return 'en';
  }
  return 'en';
}
