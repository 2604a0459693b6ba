import type { CliCommand } from '../command.ts';
import { modelsCommand } from './models.ts';
import { keygenCommand } from './keygen.ts';
import { trustListCommand } from './trust-list.ts';
import { issueCommand } from './issue.ts';
import { presentCommand } from './present.ts';
import { verifyCommand } from './verify.ts';
import { statusCommand } from './status.ts';
import { templateCommand } from './template.ts';

/** Every sub-command, in the order `eidkit --help` lists them. Add new commands here. */
export const commands: readonly CliCommand[] = [modelsCommand, keygenCommand, trustListCommand, templateCommand, issueCommand, presentCommand, verifyCommand, statusCommand];
