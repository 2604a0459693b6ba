import type { CliCommand } from '../command.ts';
import { modelsCommand } from './models.ts';

/** Every sub-command, in the order `eidkit --help` lists them. Add new commands here. */
export const commands: readonly CliCommand[] = [modelsCommand];
