import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { curlSnippet, pythonSnippet } from '@/lib/ui/first-run';

describe('first-run snippets', () => {
  it('the Python snippet is valid Python using names the client package has', () => {
    const snippet = pythonSnippet('http://127.0.0.1:3000');
    expect(snippet).toContain('export LRSCOPE_URL=http://127.0.0.1:3000');
    // Parse the snippet, then check every lrscope attribute it uses exists in clients/python.
    const check = `
import ast, sys, lrscope, lrscope.torch
tree = ast.parse(sys.stdin.read())
used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "lrscope"}
missing = [a for a in used if not hasattr(lrscope, a)] + ([] if hasattr(lrscope.torch, "watch") else ["torch.watch"])
print(",".join(sorted(missing)))`;
    const r = spawnSync('/usr/bin/python3', ['-c', check], { input: snippet, encoding: 'utf8', env: { ...process.env, PYTHONPATH: path.resolve('clients/python') } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('');
  });

  it('the curl snippet posts to this server', () => {
    expect(curlSnippet('http://lrscope.example:8080')).toMatch(/^export LRSCOPE_URL=http:\/\/lrscope.example:8080/);
  });
});
