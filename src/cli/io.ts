// What a CLI command gets from the outside world, so commands are testable without a process.
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** A command's outcome: the process exit code. */
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

/** Input the user got wrong: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
