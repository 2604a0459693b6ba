import { render } from 'solid-js/web';
import { App } from './app.tsx';
import { registerServiceWorker } from './pwa/register.ts';

render(() => <App />, document.getElementById('app')!);
registerServiceWorker();
