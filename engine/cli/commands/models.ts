import type { CliCommand } from '../command.ts';
import { EidkitError } from '../../errors.ts';

// Filled in by the model pipeline (engine/runtime/model-files.ts).
export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'copy the verified model and wasm runtime files into a folder you serve (models copy <dir>)',
  usage: 'usage: eidkit models copy <dir> [--json]',
  async run() {
    throw new EidkitError('cli/not-ready', 'models copy is not available yet');
  },
};
