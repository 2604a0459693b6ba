import { EidkitError } from '../errors.ts';
import type { CliIo } from './command.ts';
import { escapeControls, escapeControlsKeepNewlines } from './escape.ts';
import { commands } from './commands/index.ts';

/** Runs `eidkit <command> ...args`; returns the exit code. Never throws: errors become messages (and JSON with --json). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`eidkit: unknown command '${escapeControls(name)}'.\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    const json = rest.includes('--json');
    if (e instanceof EidkitError) {
      if (json) io.out(JSON.stringify({ ok: false, error: { code: e.code, message: e.message, details: e.details } }));
      // Usage texts keep their line breaks; any other message may quote untrusted input and is escaped whole.
      io.err(`eidkit ${escapeControls(name)}: ${e.code === 'cli/usage' ? escapeControlsKeepNewlines(e.message) : escapeControls(e.message)} [${e.code}]`);
      return 1;
    }
    const message = e instanceof Error ? e.message : String(e);
    if (json) io.out(JSON.stringify({ ok: false, error: { code: 'cli/internal', message } }));
    io.err(`eidkit ${escapeControls(name)}: unexpected error: ${escapeControls(message)}`);
    return 70;
  }
}

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: eidkit <command> [options]   (every command takes --json and --help)', '', 'commands:', ...lines].join('\n');
}
