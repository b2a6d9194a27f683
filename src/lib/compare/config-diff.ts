// "What did I change?": the config keys on which compared runs differ. Nested objects are
// flattened to dotted keys (optimizer.betas.0 is not a key: arrays are values, compared whole),
// and only keys whose values are not the same in every run are kept.

/** A flattened config: dotted key → the value as JSON text (strings unquoted). */
export function flattenConfig(config: Record<string, unknown> | null | undefined, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (!config) return out;
  for (const [k, v] of Object.entries(config)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) flattenConfig(v as Record<string, unknown>, key, out);
    else out.set(key, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return out;
}

export interface DiffRow {
  key: string;
  /** One per run, in the runs' order; undefined where that run's config has no such key. */
  values: (string | undefined)[];
}

/** The keys whose values differ between the configs (a key missing from some counts as a difference), sorted by key. */
export function configDiff(configs: readonly (Record<string, unknown> | null | undefined)[]): DiffRow[] {
  const flat = configs.map((c) => flattenConfig(c));
  const keys = new Set(flat.flatMap((f) => [...f.keys()]));
  const rows: DiffRow[] = [];
  for (const key of keys) {
    const values = flat.map((f) => f.get(key));
    if (values.some((v) => v !== values[0])) rows.push({ key, values });
  }
  return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A value cut to `max` characters with an ellipsis; the page shows the whole value on hover. */
export function truncate(value: string, max = 40): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
