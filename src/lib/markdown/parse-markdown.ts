// The Markdown of run notes, parsed into a small tree the page renders as React elements: no
// HTML string is ever built, so nothing a note holds can run as script. A subset, the part
// people write in notes: headings, paragraphs, lists, quotes, fenced code; bold, italic, inline
// code and links (http, https and mailto only). Raw HTML is shown as the text it is.

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] }
  | { type: 'quote'; children: Inline[] }
  | { type: 'code'; text: string };

const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const FENCE = /^\s*```/;
const QUOTE = /^\s*>\s?(.*)$/;

/** Inline marks: `code` first (nothing inside it is a mark), then links, then ** and * / _. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^`([^`]+)`/.exec(rest))) {
      flush();
      out.push({ type: 'code', text: m[1] });
    } else if ((m = /^\[([^\]]+)\]\(([^()\s]+)\)/.exec(rest))) {
      flush();
      if (SAFE_HREF.test(m[2])) out.push({ type: 'link', href: m[2], children: parseInline(m[1]) });
      else out.push(...parseInline(m[1])); // a javascript: or relative link keeps its words, not its target
    } else if ((m = /^\*\*(?=\S)([\s\S]*?\S)\*\*/.exec(rest)) || (m = /^__(?=\S)([\s\S]*?\S)__/.exec(rest))) {
      flush();
      out.push({ type: 'strong', children: parseInline(m[1]) });
    } else if ((m = /^\*(?=[^\s*])([^*]*?[^\s*])\*/.exec(rest)) || (m = /^_(?=[^\s_])([^_]*?[^\s_])_(?![A-Za-z0-9])/.exec(rest))) {
      // "_" inside a word (snake_case names, everywhere in ML notes) is not emphasis.
      if (rest[0] === '_' && /[A-Za-z0-9]$/.test(plain)) {
        plain += rest[0];
        i += 1;
        continue;
      }
      flush();
      out.push({ type: 'em', children: parseInline(m[1]) });
    } else {
      plain += text[i];
      i += 1;
      continue;
    }
    i += m[0].length;
  }
  flush();
  return out;
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    if (FENCE.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !FENCE.test(lines[i])) body.push(lines[i++]);
      i++; // the closing fence (or the end of the notes)
      blocks.push({ type: 'code', text: body.join('\n') });
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      blocks.push({ type: 'heading', level: h[1].length as 1 | 2 | 3 | 4 | 5 | 6, children: parseInline(h[2]) });
      i++;
      continue;
    }
    const listItem = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (listItem) {
      const items: Inline[][] = [];
      while (i < lines.length && listItem.test(lines[i])) items.push(parseInline(listItem.exec(lines[i++])![1]));
      blocks.push({ type: 'list', ordered: listItem === NUMBERED, items });
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) body.push(QUOTE.exec(lines[i++])![1]);
      blocks.push({ type: 'quote', children: parseInline(body.join(' ')) });
      continue;
    }
    const body: string[] = [];
    while (i < lines.length && lines[i].trim() && !FENCE.test(lines[i]) && !HEADING.test(lines[i]) && !BULLET.test(lines[i]) && !NUMBERED.test(lines[i]) && !QUOTE.test(lines[i])) {
      body.push(lines[i++].trim());
    }
    blocks.push({ type: 'paragraph', children: parseInline(body.join(' ')) });
  }
  return blocks;
}
