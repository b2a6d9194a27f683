// The pasted config text → a JSON object, with a syntax error located by line and column (the
// browser's JSON.parse reports a character offset at best).
import { ConfigError } from './config-error';

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

export function readConfig(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const where = at ? `${lineAndColumn(text, Number(at[1]))}: ` : '';
    // V8 appends its own "(line 3 column 5)" on newer versions; ours is enough.
    throw new ConfigError('', `not valid JSON: ${where}${message.replace(/\s*\(line \d+ column \d+\)$/, '').replace(/ in JSON at position \d+/, '')}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('', 'must be a JSON object, like {"lr": 0.001, ...}');
  }
  return value as Record<string, unknown>;
}
