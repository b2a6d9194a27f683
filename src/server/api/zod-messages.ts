// One readable message per bad input, naming the field and the rule
// ("points[3].lr: must be a finite number ≥ 0"): used by the tRPC error formatter and the CLI.
import type { core } from 'zod';

export function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), '');
}

export function formatZodIssues(issues: core.$ZodIssue[]): string {
  return issues
    .slice(0, 10)
    .map((i) => {
      const at = formatPath(i.path);
      return at ? `${at}: ${i.message}` : i.message;
    })
    .concat(issues.length > 10 ? [`… and ${issues.length - 10} more`] : [])
    .join('; ');
}
