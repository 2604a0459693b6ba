import { Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import { Layout } from './ui/layout.tsx';
import { Home } from './pages/home.tsx';
import { NotFound } from './pages/not-found.tsx';

// Every page but the home page is its own chunk: a verifier opening /verify downloads the verifier and nothing else.
const Verify = lazy(() => import('./pages/verify.tsx'));
const Wallet = lazy(() => import('./pages/wallet.tsx'));
const Enrol = lazy(() => import('./pages/enrol.tsx'));
const Issuer = lazy(() => import('./pages/issuer.tsx'));
const Docs = lazy(() => import('./pages/docs.tsx'));
const Share = lazy(() => import('./pages/share.tsx'));

export function App() {
  return (
    <Router root={Layout}>
      <Route path="/" component={Home} />
      <Route path="/verify" component={Verify} />
      <Route path="/wallet" component={Wallet} />
      <Route path="/share" component={Share} />
      <Route path="/enrol" component={Enrol} />
      <Route path="/issuer" component={Issuer} />
      <Route path="/docs/:slug?" component={Docs} />
      <Route path="*404" component={NotFound} />
    </Router>
  );
}
