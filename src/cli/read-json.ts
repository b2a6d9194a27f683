// Reads a JSON file named on the command line ("-" for standard input) for the CLI commands.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { formatZodIssues } from '@/server/api/zod-messages';
import { type CliIo, UsageError } from './io';

export async function readJsonInput<T extends z.ZodType>(file: string, io: CliIo, schema: T, readStdin: () => Promise<string> = stdin): Promise<z.output<T>> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${file}: ${formatZodIssues(parsed.error.issues)}`);
  return parsed.data;
}

async function stdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
