import { resolve } from 'node:path';
import { flagString, parseArgs, type CliCommand } from '../command.ts';
import { EidkitError } from '../../errors.ts';
import { copyModels } from '../../runtime/copy-models.ts';
import { allEntries, manifest } from '../../runtime/manifest.ts';

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'list the pinned models, or copy them (hash-checked) with the wasm runtime into a folder you serve',
  usage: [
    'usage: eidkit models list [--json]',
    '       eidkit models copy <dir> [--all] [--json]',
    '',
    'copy: writes every model and tfjs wasm file named in models/manifest.json into <dir>, after checking its SHA-256',
    'against the pin. Serve <dir> from your own origin and pass its URL to createFaceEngine({ models }).',
    '--all also copies the optional entries (evaluation candidates and dev-only peer weights).',
  ].join('\n'),
  async run(args, io) {
    const p = parseArgs(args, ['json', 'help', 'all']);
    const [action, dir] = p.positional;
    const json = p.flags.has('json');
    if (action === 'list') {
      const rows = allEntries().map((e) => ({ id: e.id, version: e.version, package: e.package, bytes: e.files.reduce((n, f) => n + f.bytes, 0), licence: e.licence }));
      io.out(json ? JSON.stringify({ ok: true, schema: manifest.schema, entries: rows }) : rows.map((r) => `${r.id.padEnd(12)} ${(r.bytes / 1e6).toFixed(2).padStart(6)} MB  ${r.package}  (${r.licence})`).join('\n'));
      return 0;
    }
    if (action !== 'copy' || !dir || flagString(p, 'dir')) {
      throw new EidkitError('cli/usage', 'expected `eidkit models copy <dir>` or `eidkit models list`');
    }
    const report = await copyModels(resolve(io.cwd, dir), undefined, undefined, { includeOptional: p.flags.has('all') });
    if (json) io.out(JSON.stringify({ ok: true, ...report }));
    else io.out(`${report.files.length} files (${(report.bytes / 1e6).toFixed(1)} MB) verified in ${report.dir} (${report.files.filter((f) => f.copied).length} copied)`);
    return 0;
  },
};
