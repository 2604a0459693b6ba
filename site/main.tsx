import { render } from 'solid-js/web';
import { App } from './app.tsx';
import { registerServiceWorker } from './pwa/register.ts';

render(() => <App />, document.getElementById('app')!);
// A first visit to /verify starts scanning, then downloads the face models; the precache waits until the page says
// those downloads are done (site/pages/verify.tsx), so it never competes with them on a slow link.
registerServiceWorker({ deferred: /^\/verify\/?$/.test(location.pathname) });
