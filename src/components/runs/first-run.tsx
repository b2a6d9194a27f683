'use client';
// What a first-time user sees: how to send a run, with snippets for this server.
import { useEffect, useState } from 'react';
import { curlSnippet, pythonSnippet } from '@/lib/ui/first-run';

/** `origin`: this server as the request reached it, so the page is right before it hydrates too. */
export function FirstRun({ origin: served }: { origin: string }) {
  const [origin, setOrigin] = useState(served);
  const [tab, setTab] = useState<'curl' | 'python'>('curl');
  useEffect(() => setOrigin(window.location.origin), []);
  const code = tab === 'curl' ? curlSnippet(origin) : pythonSnippet(origin);
  return (
    <section className="panel onboarding" aria-labelledby="first-run-title" data-testid="first-run">
      <h1 id="first-run-title">No runs yet: send your first one</h1>
      <p className="muted">
        lrscope plots the learning rate your optimizer actually used against the one your schedule says it should use, and flags the run when they part.
      </p>
      <ol>
        <li>
          Take the API key the server printed when it first started (<code>lrscope: created project &quot;default&quot; with API key lrs_…</code>), or make one:{' '}
          <code>npx lrscope keys create --project default</code>. Then <code>export LRSCOPE_API_KEY=lrs_…</code>
        </li>
        <li>
          Create a run with its schedule, then post points as training goes:
          <div className="tabs seg" role="group" aria-label="Snippet language">
            <button type="button" aria-pressed={tab === 'curl'} onClick={() => setTab('curl')}>
              curl
            </button>
            <button type="button" aria-pressed={tab === 'python'} onClick={() => setTab('python')}>
              Python
            </button>
          </div>
          <pre aria-label={`${tab} snippet`} tabIndex={0}>
            <code>{code}</code>
          </pre>
        </li>
        <li>This page updates by itself when the run arrives; no reload needed.</li>
      </ol>
    </section>
  );
}
