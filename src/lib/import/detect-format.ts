// Which reader a file needs: by its name first (events.out.tfevents.*, .csv, .jsonl, .json), then
// by its first bytes, so a renamed or extension-less file still imports.
import { maskedCrc32c } from './crc32c';
import type { ImportFormat } from './table';

export const FORMATS: readonly ImportFormat[] = ['csv', 'jsonl', 'json', 'tensorboard'];

function baseName(fileName: string): string {
  return fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1).toLowerCase();
}

/** True when the first 12 bytes are a TFRecord header whose length CRC checks out. */
function looksLikeTfRecord(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 12);
  return view.getUint32(8, true) === maskedCrc32c(bytes, 0, 8);
}

export function detectFormat(fileName: string, bytes: Uint8Array): ImportFormat {
  const name = baseName(fileName);
  if (name.includes('tfevents')) return 'tensorboard';
  if (/\.(csv|tsv)$/.test(name)) return 'csv';
  if (/\.(jsonl|ndjson)$/.test(name)) return 'jsonl';
  if (name.endsWith('.json')) return 'json';
  if (looksLikeTfRecord(bytes)) return 'tensorboard';
  const head = new TextDecoder().decode(bytes.subarray(0, 4096)).trimStart();
  if (head.startsWith('[')) return 'json';
  if (head.startsWith('{')) {
    // One object per line, or one document over several lines.
    const firstLine = head.split('\n', 1)[0].trim();
    try {
      JSON.parse(firstLine);
      return 'jsonl';
    } catch {
      return 'json';
    }
  }
  return 'csv';
}
