#!/usr/bin/env node
// Builds what the project serves and publishes:
//   node scripts/build.mjs           engine + workers (dist/engine, dist/workers), models (dist/models), site (dist/site)
//   node scripts/build.mjs --engine  engine + workers only
import { buildEngine, prepareModels, buildSite } from './lib/steps.mjs';

const engineOnly = process.argv.includes('--engine');
await buildEngine({ tolerateTypeErrors: engineOnly });
if (!engineOnly) {
  await prepareModels('dist/models');
  await buildSite();
}
