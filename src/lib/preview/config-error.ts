// Errors in a pasted config, carrying the config path they concern so the page can show them
// next to the field, in the framework's own names.
export class ConfigError extends Error {
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(path ? `${path}: ${rule}` : rule);
    this.name = 'ConfigError';
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
