// The YAML that Python's yaml.dump writes for Lightning's hparams.yaml and LightningCLI's
// config.yaml: block mappings and lists by indentation, flow lists and mappings on one line, plain
// and quoted scalars. Python-specific tags (!!python/tuple) are read as what they hold. Anchors,
// multi-line strings and multiple documents are not needed there and are not read.

export class YamlError extends Error {}

interface Line {
  indent: number;
  text: string;
  no: number;
}

function scalar(raw: string): unknown {
  const t = raw.trim();
  if (t === '' || t === '~' || t === 'null' || t === 'Null' || t === 'NULL') return null;
  if (/^(true|True|TRUE)$/.test(t)) return true;
  if (/^(false|False|FALSE)$/.test(t)) return false;
  if (/^[-+]?(\d[\d_]*)$/.test(t)) return Number(t.replace(/_/g, ''));
  if (/^[-+]?(\d*\.\d*|\d+)([eE][-+]?\d+)?$/.test(t) && /\d/.test(t)) return Number(t);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(t)) return Number.NaN;
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2) return t.slice(1, -1).replace(/''/g, "'");
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) return JSON.parse(t);
  if (t.startsWith('[') || t.startsWith('{')) return flow(t);
  return t;
}

/** Splits a flow collection's inside at top-level commas. */
function splitFlow(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  if (inner.slice(start).trim() !== '') parts.push(inner.slice(start));
  return parts;
}

function flow(t: string): unknown {
  const inner = t.slice(1, -1);
  if (t.startsWith('[')) return splitFlow(inner).map(scalar);
  const out: Record<string, unknown> = {};
  for (const part of splitFlow(inner)) {
    const colon = part.indexOf(':');
    if (colon < 0) throw new YamlError(`"${t}": expected key: value pairs`);
    out[String(scalar(part.slice(0, colon)))] = scalar(part.slice(colon + 1));
  }
  return out;
}

/** "key: value" → [key, value text]; undefined when the line is not a mapping entry. */
function entry(text: string): [string, string] | undefined {
  const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^'"\s][^:#]*?|[^:\s]+):(?:\s+(.*))?$/.exec(text);
  if (!m) return undefined;
  return [String(scalar(m[1])), m[2] ?? ''];
}

function stripTag(value: string): string {
  return value.replace(/^!!?[A-Za-z/:._-]+\s*/, '');
}

function block(lines: Line[], at: { i: number }, indent: number): unknown {
  const first = lines[at.i];
  if (first.text.startsWith('- ') || first.text === '-') {
    const list: unknown[] = [];
    while (at.i < lines.length && lines[at.i].indent === indent && (lines[at.i].text.startsWith('- ') || lines[at.i].text === '-')) {
      const line = lines[at.i];
      const rest = stripTag(line.text.slice(1).trim());
      const inner = line.indent + 2;
      if (rest === '') {
        at.i++;
        list.push(at.i < lines.length && lines[at.i].indent > indent ? block(lines, at, lines[at.i].indent) : null);
      } else if (rest.startsWith('- ') || (entry(rest) && !rest.startsWith('[') && !rest.startsWith('{') && !/^["']/.test(rest))) {
        // "- - x" or "- key: v": the item is a block that starts on this line, indented past the dash.
        lines[at.i] = { indent: inner, text: rest, no: line.no };
        list.push(block(lines, at, inner));
      } else {
        list.push(scalar(rest));
        at.i++;
      }
    }
    return list;
  }
  const map: Record<string, unknown> = {};
  while (at.i < lines.length && lines[at.i].indent === indent) {
    const line = lines[at.i];
    const kv = entry(line.text);
    if (!kv) throw new YamlError(`line ${line.no}: expected "key: value", got "${line.text}"`);
    const [key, raw] = kv;
    const value = stripTag(raw.trim());
    at.i++;
    if (value !== '') map[key] = scalar(value);
    else if (at.i < lines.length && (lines[at.i].indent > indent || (lines[at.i].indent === indent && lines[at.i].text.startsWith('- ')))) {
      map[key] = block(lines, at, lines[at.i].indent);
    } else map[key] = null;
  }
  return map;
}

export function parseYaml(text: string): unknown {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*(#.*)?$/.test(raw) || raw.trim() === '---') return;
    if (raw.includes('\t')) throw new YamlError(`line ${i + 1}: tabs are not allowed for indentation in YAML`);
    const text = raw.replace(/\s+#.*$/, '');
    lines.push({ indent: raw.length - raw.trimStart().length, text: text.trim(), no: i + 1 });
  });
  if (lines.length === 0) return null;
  const at = { i: 0 };
  const value = block(lines, at, lines[0].indent);
  if (at.i < lines.length) throw new YamlError(`line ${lines[at.i].no}: indentation does not match the lines before it`);
  return value;
}
