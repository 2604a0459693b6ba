#!/usr/bin/env node
// Builds what the project serves and publishes:
//   node scripts/build.mjs           engine + workers (dist/engine, dist/workers), models (dist/models), site (dist/site)
//   node scripts/build.mjs --engine  engine, workers and models only (what `npm pack` ships)
import { buildEngine, prepareModels, buildSite } from './lib/steps.mjs';

const engineOnly = process.argv.includes('--engine');
await buildEngine({ tolerateTypeErrors: engineOnly });
// The published package carries the default models (dist/models), so they are copied with the engine.
await prepareModels('dist/models');
if (!engineOnly) await buildSite();
