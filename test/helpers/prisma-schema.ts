// A small reader of prisma/models.prisma: what tables, columns and indexes the models describe,
// so tests can compare a migrated database against the schema without Prisma's engine.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './server';

export interface ExpectedColumn {
  name: string;
  type: string; // Prisma scalar: Int, String, Float, Boolean, DateTime, Json
  nullable: boolean;
}

export interface ExpectedIndex {
  columns: string[];
  unique: boolean;
}

export interface ExpectedTable {
  name: string;
  columns: ExpectedColumn[];
  primaryKey: string[];
  indexes: ExpectedIndex[];
}

const SCALARS = new Set(['Int', 'String', 'Float', 'Boolean', 'DateTime', 'Json', 'BigInt', 'Bytes', 'Decimal']);

export function readModels(file = path.join(ROOT, 'prisma/models.prisma')): ExpectedTable[] {
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
  const tables: ExpectedTable[] = [];
  for (const m of text.matchAll(/model\s+(\w+)\s*\{([^}]*)\}/g)) {
    const table: ExpectedTable = { name: m[1], columns: [], primaryKey: [], indexes: [] };
    for (const raw of m[2].split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      const block = /^@@(id|unique|index)\(\[([^\]]*)\]/.exec(line);
      if (block) {
        const cols = block[2].split(',').map((c) => c.trim());
        if (block[1] === 'id') table.primaryKey = cols;
        else table.indexes.push({ columns: cols, unique: block[1] === 'unique' });
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\?|\[\])?\s*(.*)$/.exec(line);
      if (!field || !SCALARS.has(field[2])) continue; // relation fields are not columns
      table.columns.push({ name: field[1], type: field[2], nullable: field[3] === '?' });
      if (/@id\b/.test(field[4])) table.primaryKey = [field[1]];
      if (/@unique\b/.test(field[4])) table.indexes.push({ columns: [field[1]], unique: true });
    }
    tables.push(table);
  }
  return tables;
}
