// Values the test config provides to every test (vite.config.ts `provide`).
declare module 'vitest' {
  export interface ProvidedContext {
    fixtures: string;
    fixturesPresent: boolean;
  }
}
export {};
