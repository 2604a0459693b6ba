/**
 * The headers the site needs, for the service worker to add on hosts that cannot send them. They must equal what
 * scripts/serve.mjs sends (an e2e test compares them): COOP/COEP make the page cross-origin isolated, which wasm
 * threads need; the CSP allows no eval (wasm compilation only) and nothing from another origin.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Pages that keep their opener: the wallet's consent page answers a website's popup by postMessage, which needs the
 * popup to stay in the website's browsing context group (COOP "unsafe-none"; the consent page needs no wasm threads).
 * scripts/serve.mjs sends the same for these paths.
 */
export const OPENER_PAGES: readonly string[] = ['/share'];
export const OPENER_PAGE_COOP = 'unsafe-none';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "manifest-src 'self'",
].join('; ');
