// The schedule preview's inputs in its URL, so a preview can be shared and Back restores the
// previous one: a preset by its id, or the framework and the config itself. Pure.
import type { Framework } from '../preview/types';

export interface PreviewUrlState {
  framework: Framework;
  /** A preset's id while its config is unchanged ('' once edited). */
  presetId: string;
  /** The config text, when it is not a preset's. */
  config: string | null;
  stepsPerEpoch: string;
  epochs: string;
}

const FRAMEWORKS: Framework[] = ['pytorch', 'huggingface', 'coqui'];

/** What the URL says; null fields are left to the page's defaults. */
export function parsePreviewUrl(params: { get(name: string): string | null }): Partial<PreviewUrlState> {
  const out: Partial<PreviewUrlState> = {};
  const fw = params.get('fw');
  if (FRAMEWORKS.includes(fw as Framework)) out.framework = fw as Framework;
  const preset = params.get('preset');
  if (preset) out.presetId = preset;
  const config = params.get('config');
  if (config !== null) out.config = config;
  const spe = params.get('spe');
  if (spe !== null) out.stepsPerEpoch = spe;
  const epochs = params.get('epochs');
  if (epochs !== null) out.epochs = epochs;
  return out;
}

export function previewQuery(s: PreviewUrlState): string {
  const q = new URLSearchParams();
  if (s.presetId) q.set('preset', s.presetId);
  else {
    q.set('fw', s.framework);
    if (s.config !== null) q.set('config', s.config);
  }
  q.set('spe', s.stepsPerEpoch);
  q.set('epochs', s.epochs);
  return q.toString();
}
