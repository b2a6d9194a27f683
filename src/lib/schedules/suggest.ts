// "Did you mean" for scheduler and parameter names: users type StepLr, cosine_annealing,
// warmup_steps; the error should name what they meant.

/** Case, underscores and dashes do not distinguish names a user could mean. */
function fold(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

function lower(name: string): string {
  return name.toLowerCase();
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** The candidates `input` most plausibly meant, best first (at most `limit`); empty when none is close. */
export function closest(input: string, candidates: readonly string[], limit = 3): string[] {
  const q = fold(input);
  if (!q) return [];
  const scored: { name: string; score: number }[] = [];
  for (const name of candidates) {
    const c = fold(name);
    if (c === q) {
      scored.push({ name, score: 0 });
      continue;
    }
    const d = editDistance(q, c);
    if (d <= Math.max(2, Math.floor(Math.max(q.length, c.length) / 4))) scored.push({ name, score: d });
    // Containment is judged with separators kept, so "step" is not found inside "last_epoch".
    else if (q.length >= 4 && (lower(name).includes(lower(input)) || lower(input).includes(lower(name)))) scored.push({ name, score: 1 + Math.abs(c.length - q.length) });
  }
  scored.sort((a, b) => a.score - b.score || candidates.indexOf(a.name) - candidates.indexOf(b.name));
  // A name that differs only in case or separators is surely the one meant.
  const exact = scored.filter((s) => s.score === 0);
  return (exact.length ? exact : scored).slice(0, limit).map((s) => s.name);
}

/** `; did you mean "X"?` / `; did you mean "X" or "Y"?`, or '' when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const names = closest(input, candidates).map((n) => `"${n}"`);
  if (names.length === 0) return '';
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return `; did you mean ${list}?`;
}
