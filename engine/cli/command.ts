/** One `eidkit <name>` sub-command. Each lives in its own module under engine/cli/commands/. */
export interface CliCommand {
  readonly name: string;
  /** One line for `eidkit --help`. */
  readonly summary: string;
  /** Full usage text for `eidkit <name> --help`. */
  readonly usage: string;
  /** Returns the process exit code. `io` lets tests run commands without a child process. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly cwd: string;
}

/** Minimal `--flag value` / `--flag` / positional parser; commands validate what they receive. */
export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, string | true>;
  readonly positional: readonly string[];
}

export function parseArgs(args: readonly string[], booleanFlags: readonly string[] = ['json', 'help']): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else {
        const name = a.slice(2);
        const next = args[i + 1];
        if (booleanFlags.includes(name) || next === undefined || next.startsWith('--')) flags.set(name, true);
        else {
          flags.set(name, next);
          i++;
        }
      }
    } else positional.push(a);
  }
  return { flags, positional };
}

export function flagString(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}
