import { type CliCommand, type CliIo, UsageError } from './io';

// Loaded lazily so `lrscope check` does not pay for the database driver.
const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  check: { summary: 'check FILE.json            verdict for { schedule, stepsPerEpoch?, points } (exit 0 ok, 1 flagged, 2 bad input)', load: async () => (await import('./commands/check')).check },
  expected: { summary: 'expected SPEC.json --steps N   the LR a schedule prescribes for n = 0..N, as CSV', load: async () => (await import('./commands/expected')).expected },
  import: { summary: 'import FILE [--name N] [--schedule SPEC.json] [--steps-per-epoch N] [--map lr=COL]   send a CSV, JSONL or TensorBoard log to the server', load: async () => (await import('./commands/import')).importCommand },
  keys: { summary: 'keys create|list|revoke      manage API keys (create --project NAME prints a new key)', load: async () => (await import('./commands/keys')).keys },
  demo: { summary: 'demo [--fast] [--steps N]   simulated runs sent live, three with classic schedule mistakes', load: async () => (await import('./commands/demo')).demo },
};

export function usage(): string {
  const lines = Object.values(COMMANDS).map((c) => `  lrscope ${c.summary}`);
  return `usage:\n${lines.join('\n')}\n`;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`lrscope: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  try {
    return await (await entry.load())(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`lrscope ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
