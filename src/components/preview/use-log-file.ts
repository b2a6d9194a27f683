'use client';
// A log file chosen on the page, read in the browser (nothing is uploaded): its table once read,
// the user's column choices, and the points those give — or the error, in words.
import { useMemo, useState } from 'react';
import { type Field, type ImportedLog, ImportError, type MapOverrides, pointsFromTable, readTable, type Table } from '@/lib/import';

export type LogFileState =
  | { status: 'idle' }
  | { status: 'reading'; name: string }
  | { status: 'failed'; name: string; message: string }
  | { status: 'read'; name: string; table: Table };

export const FIELD_LABELS: Record<Field, string> = { step: 'Step', lr: 'Learning rate', loss: 'Loss', epoch: 'Epoch', time: 'Time' };

const how = (field: Field) => `the "${FIELD_LABELS[field]}" column menu`;

function messageOf(err: unknown): string {
  return err instanceof ImportError ? err.message : `could not read the file: ${(err as Error).message}`;
}

export function useLogFile() {
  const [state, setState] = useState<LogFileState>({ status: 'idle' });
  const [map, setMap] = useState<MapOverrides>({});

  const load = async (file: File) => {
    setState({ status: 'reading', name: file.name });
    setMap({});
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      // Let "Reading…" paint before a large file is parsed on this thread.
      await new Promise((resolve) => setTimeout(resolve, 0));
      setState({ status: 'read', name: file.name, table: readTable(file.name, bytes) });
    } catch (err) {
      setState({ status: 'failed', name: file.name, message: messageOf(err) });
    }
  };

  const imported = useMemo((): { log?: ImportedLog; error?: string } | undefined => {
    if (state.status !== 'read') return undefined;
    try {
      return { log: pointsFromTable(state.table, map, how) };
    } catch (err) {
      return { error: messageOf(err) };
    }
  }, [state, map]);

  return {
    state,
    map,
    imported,
    load,
    choose: (field: Field, column: string | null | undefined) =>
      setMap((m) => {
        const next = { ...m };
        if (column === undefined) delete next[field];
        else next[field] = column;
        return next;
      }),
    clear: () => {
      setState({ status: 'idle' });
      setMap({});
    },
  };
}
