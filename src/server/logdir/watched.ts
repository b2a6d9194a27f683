// Log files shipped from another machine (`python -m lrscope watch DIR` on the training host):
// each chunk of new bytes is written at its offset into a copy of the watched folder, kept under
// the server's watch directory per project and host, which the server follows like any --logdir.
// One parser, on the server. A chunk sent twice changes nothing; a chunk past the copy's end is
// refused with the offset to send from, so nothing is skipped; a file that was truncated or
// replaced on the training host is sent again from 0 with `reset`.
import { mkdir, open, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_FILES } from '@/lib/logdir/folder-schedule';
import { AppError } from '../errors';
import type { Principal } from '../keys/authenticate';
import { logKind } from './discover';

export interface WatchedChunk {
  host: string;
  /** The watched directory's own name on the training host. */
  dir: string;
  /** The file's path inside it, "/"-separated. */
  path: string;
  offset: number;
  /** The bytes, base64. */
  data: string;
  reset?: boolean;
}

/** The project's copy of what its training hosts watch: <watchDir>/<project>/<host>/<dir>/... */
export function watchedRoot(watchDir: string, projectName: string): string {
  return path.join(watchDir, projectName);
}

/** Writes a chunk; returns the copy's size, where the next chunk of the file starts. */
export async function appendWatched(watchDir: string, principal: Principal, chunk: WatchedChunk): Promise<{ size: number }> {
  const parts = chunk.path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new AppError('BAD_REQUEST', `path: must be a relative path inside the watched folder, got "${chunk.path}"`);
  const name = parts[parts.length - 1];
  if (!logKind(name) && !(CONFIG_FILES as readonly string[]).includes(name)) {
    throw new AppError('BAD_REQUEST', `path: "${name}" is neither a log file (event file, metrics.csv, trainer_state.json) nor a config the server reads (${CONFIG_FILES.join(', ')})`);
  }
  const file = path.join(watchedRoot(watchDir, principal.projectName), chunk.host, chunk.dir, ...parts);
  const bytes = Buffer.from(chunk.data, 'base64');
  await mkdir(path.dirname(file), { recursive: true });
  const size = await stat(file).then((s) => s.size, () => 0);
  if (chunk.reset) {
    if (chunk.offset !== 0) throw new AppError('BAD_REQUEST', 'offset: a reset starts the file over, at offset 0');
    await truncate(file).catch(() => {});
  } else if (chunk.offset > size || chunk.offset + bytes.length <= size) {
    return { size };
  }
  const fh = await open(file, chunk.reset ? 'w' : 'r+').catch(() => open(file, 'w'));
  try {
    const from = chunk.reset ? 0 : size - chunk.offset;
    await fh.write(bytes, from, bytes.length - from, chunk.reset ? 0 : size);
    return { size: (await fh.stat()).size };
  } finally {
    await fh.close();
  }
}
