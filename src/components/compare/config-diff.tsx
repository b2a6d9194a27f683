// "What did I change?": the config keys on which the compared runs differ, side by side. Long
// values are cut; the whole value shows on hover (and to screen readers, as the cell's title).
import { memo } from 'react';
import { configDiff, truncate } from '@/lib/compare/config-diff';
import type { Run } from '@/trpc/types';
import { PALETTE } from './palette';

export const ConfigDiff = memo(function ConfigDiff({ runs }: { runs: (Run | undefined)[] }) {
  const loaded = runs.filter((r): r is Run => !!r);
  if (loaded.length < 2) return null;
  const rows = configDiff(loaded.map((r) => r.config));
  return (
    <section className="panel" aria-labelledby="cmp-config" data-testid="config-diff">
      <h2 id="cmp-config">Config differences</h2>
      {rows.length === 0 ? (
        <p className="muted">{loaded.every((r) => !r.config) ? 'None of these runs sent a config.' : 'Their configs are the same.'}</p>
      ) : (
        <div className="table-wrap">
          <table className="runs">
            <caption className="sr-only">Config keys whose values differ between the runs</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                {loaded.map((r, i) => (
                  <th key={r.id} scope="col">
                    <span className="swatch" style={{ borderColor: PALETTE[i % PALETTE.length], marginRight: 6 }} aria-hidden="true" />
                    {r.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row" className="mono" style={{ fontWeight: 500 }}>
                    {row.key}
                  </th>
                  {row.values.map((v, i) => (
                    <td key={i} className="mono" title={v ?? 'not set'}>
                      {v === undefined ? <span className="muted">—</span> : truncate(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
});
