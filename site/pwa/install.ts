/**
 * "Install the app": the browser's own install prompt, offered as a button once the browser says the site can be
 * installed (`beforeinstallprompt`, Chromium browsers). Elsewhere (Safari: Share → Add to Home Screen) no button shows.
 * The event is caught from the first moment this module loads, so a prompt fired before any page renders is kept.
 */
import { createSignal } from 'solid-js';

interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

const [pending, setPending] = createSignal<InstallPromptEvent | undefined>();
export const canInstall = (): boolean => pending() !== undefined;

addEventListener('beforeinstallprompt', (e) => {
  e.preventDefault(); // no mini-infobar: the button is the one way in
  setPending(e as InstallPromptEvent);
});
addEventListener('appinstalled', () => setPending(undefined));

/** Shows the browser's install dialog; a prompt can be used once, so the button goes away either way. */
export async function install(): Promise<'accepted' | 'dismissed' | 'unavailable'> {
  const e = pending();
  if (!e) return 'unavailable';
  setPending(undefined);
  await e.prompt();
  return (await e.userChoice).outcome;
}
