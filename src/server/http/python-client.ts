// The server serves its own Python client as a wheel, so a training machine without a checkout of
// this repository installs it with one command (README, "Watch existing logs"):
//   pip install http://HOST:3000/python/lrscope-<version>-py3-none-any.whl
// The wheel (a zip: the package's files, METADATA, WHEEL, RECORD) is built from clients/python at
// the first request and kept; it is pure Python, so pip installs it without building anything.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';

const CLIENT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../clients/python');

interface Entry {
  name: string;
  data: Buffer;
}

/** The client's version, from its pyproject.toml. */
export function clientVersion(): string {
  const m = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(path.join(CLIENT, 'pyproject.toml'), 'utf8'));
  if (!m) throw new Error('clients/python/pyproject.toml has no version');
  return m[1];
}

export function wheelName(): string {
  return `lrscope-${clientVersion()}-py3-none-any.whl`;
}

function packageFiles(dir: string, prefix: string): Entry[] {
  const out: Entry[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory() && e.name !== '__pycache__') out.push(...packageFiles(path.join(dir, e.name), `${prefix}${e.name}/`));
    else if (e.isFile() && e.name.endsWith('.py')) out.push({ name: `${prefix}${e.name}`, data: readFileSync(path.join(dir, e.name)) });
  }
  return out;
}

/** A zip of stored (uncompressed) entries: the format wheels use, without needing a deflater. */
function zip(entries: Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const n = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00: reproducible bytes
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(0o100644 * 65536, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const digest = (data: Buffer) => createHash('sha256').update(data).digest('base64url');

export function buildWheel(): Buffer {
  const version = clientVersion();
  const info = `lrscope-${version}.dist-info`;
  const readme = readFileSync(path.join(CLIENT, 'README.md'), 'utf8');
  const files = packageFiles(path.join(CLIENT, 'lrscope'), 'lrscope/');
  files.push(
    { name: `${info}/METADATA`, data: Buffer.from(`Metadata-Version: 2.1\nName: lrscope\nVersion: ${version}\nSummary: lrscope's Python client (standard library only)\nRequires-Python: >=3.8\nDescription-Content-Type: text/markdown\n\n${readme}`) },
    { name: `${info}/WHEEL`, data: Buffer.from('Wheel-Version: 1.0\nGenerator: lrscope-server\nRoot-Is-Purelib: true\nTag: py3-none-any\n') },
  );
  const record = files.map((f) => `${f.name},sha256=${digest(f.data)},${f.data.length}`).join('\n');
  files.push({ name: `${info}/RECORD`, data: Buffer.from(`${record}\n${info}/RECORD,,\n`) });
  return zip(files);
}

let wheel: { name: string; bytes: Buffer } | undefined;

export function servePythonClient(req: http.IncomingMessage, res: http.ServerResponse): void {
  wheel ??= { name: wheelName(), bytes: buildWheel() };
  const file = (req.url ?? '').split('?')[0].slice('/python/'.length);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  if (file === '') {
    // A simple index, the shape pip's --find-links reads.
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>lrscope Python client</title><a href="${wheel.name}">${wheel.name}</a>\n`);
    return;
  }
  if (file !== wheel.name) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${file} here: the client is /python/${wheel.name}\n`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/zip', 'content-length': wheel.bytes.length, 'content-disposition': `attachment; filename="${wheel.name}"` });
  res.end(req.method === 'HEAD' ? undefined : wheel.bytes);
}
