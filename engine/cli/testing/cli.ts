/** Test helper: runs the CLI in-process with `cwd` as its working folder and collects what it prints. */
import { runCli } from '../run.ts';
import type { CliIo } from '../command.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  json(): any;
}

export function cliIn(cwd: string): (...argv: string[]) => Promise<CliRun> {
  return async (...argv) => {
    let out = '';
    let err = '';
    const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), cwd };
    const code = await runCli(argv, io);
    return { code, out, err, json: () => JSON.parse(out) };
  };
}
