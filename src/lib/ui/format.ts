// Number and time formatting for the pages. Pure.

/** An LR the way people write it: 5e-4, 3.2e-5, 0.1, 1. */
export function formatLr(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 0.01 && abs < 1000) return String(Number(v.toPrecision(3)));
  const [mantissa, exp] = v.toExponential(2).split('e');
  const m = String(Number(mantissa));
  return `${m}e${Number(exp)}`;
}

/** A number exactly as logged (shortest round-trip form), for tooltips: 0.00749, 1.2345678e-7. */
export function exactNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  return String(v);
}

/** A metric value: compact, but enough digits to tell a loss curve apart. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return formatLr(v);
  return String(Number(v.toPrecision(4)));
}

// One formatter for every call: toLocaleString builds one per call, a cost a hundred-row table feels.
const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

export function formatStep(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : GROUPED.format(v);
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** "2026-11-24 23:55" in the viewer's zone (or in UTC, where the viewer's zone is not known: on the server). */
export function formatDateTime(iso: string | null | undefined, zone: 'local' | 'UTC' = 'local'): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  if (zone === 'UTC') return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Seconds as "45 s", "12:05" (m:ss) or "3:02:10" (h:mm:ss), for relative-time axes. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const sign = seconds < 0 ? '−' : '';
  let s = Math.round(Math.abs(seconds));
  if (s < 60) return `${sign}${s} s`;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const p = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${sign}${h}:${p(m)}:${p(s)}` : `${sign}${m}:${p(s)}`;
}

/** JSON for reading: indented objects, but short arrays of numbers and strings on one line. */
export function prettyJson(value: unknown): string {
  let text = JSON.stringify(value, null, 2) ?? '';
  for (let i = 0; i < 4; i++) {
    const next = text.replace(/\[\s*((?:[^\[\]{}\n]*\n?)*?)\s*\]/g, (whole, inner: string) => {
      const flat = `[${inner.split('\n').map((l) => l.trim()).join(' ')}]`;
      return flat.length <= 60 ? flat : whole;
    });
    if (next === text) break;
    text = next;
  }
  return text;
}
