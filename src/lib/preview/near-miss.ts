// Config keys that are almost a field the preview reads ("learning_rat", "warmupSteps"): worth a
// note, since the trainer would ignore them too. Stricter than the schedule engine's "did you
// mean" — a pasted TrainingArguments has a hundred real fields (save_steps is not max_steps).

function fold(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** Notes for keys of `config` that are not in `known` but nearly are one of them. */
export function nearMisses(config: Record<string, unknown>, known: readonly string[]): string[] {
  const notes: string[] = [];
  for (const key of Object.keys(config)) {
    if (known.includes(key)) continue;
    const k = fold(key);
    const match = known.find((name) => fold(name) === k || (k.length >= 6 && withinOneEdit(k, fold(name))));
    if (match) notes.push(`"${key}" is not a field the trainer reads; did you mean "${match}"? It was ignored.`);
  }
  return notes;
}
