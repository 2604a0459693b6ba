export function App() {
  const isolated = globalThis.crossOriginIsolated === true;
  return (
    <main>
      <h1>eidkit</h1>
      <p>An electronic identity card that lives in your phone's browser, with no server.</p>
      <p class="status" data-testid="isolation">
        {isolated ? 'Cross-origin isolated: WebAssembly threads available.' : 'Not cross-origin isolated: WebAssembly runs single-threaded.'}
      </p>
    </main>
  );
}
