// The schedule preview: what a trainer config will do to the LR before training starts. Pure.
export { buildPreview, MAX_CURVE_POINTS } from './build-preview';
export { checkLog, type LogCheck } from './check-log';
export { PRESETS, STARTERS, type Preset } from './presets';
export { MAX_PREVIEW_STEPS } from './run-length';
export { sampleCurve, type Curve } from './sample-curve';
export { FRAMEWORKS } from './types';
export type { Framework, Marker, PreviewError, PreviewField, PreviewInput, PreviewOk, PreviewResult } from './types';
