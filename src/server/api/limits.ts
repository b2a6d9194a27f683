// Documented limits (README, "Limits"); enforced by the input schemas.
export const LIMITS = {
  pointsPerBatch: 10_000,
  pointsPerRun: 20_000_000,
  metricNamesPerRun: 1_000,
  lrGroups: 1_024,
  metricsPerPoint: 100,
  metricNameLength: 100,
  runNameLength: 200,
  notesLength: 20_000,
  tags: 50,
  tagLength: 100,
  clientIdLength: 64,
  configBytes: 64 * 1024,
  jsonDepth: 20,
  maxStep: 2_147_483_647,
  seriesMaxPoints: 10_000,
  listLimit: 500,
  /** runs.log bodies. */
  bodyBytes: 16 * 1024 * 1024,
  /** Every other body: alert settings, run metadata (configs ≤ 64 KiB). */
  smallBodyBytes: 256 * 1024,
  /** Nesting of a body or query input, checked while it is read: far deeper than any valid input
   * (its schemas report their own, smaller limits by field), far shallower than what hurts JSON.parse. */
  bodyDepth: 1_000,
  /** Procedures per batched request. */
  batchSize: 20,
} as const;
