// Documented limits (README, "Limits"); enforced by the input schemas.
export const LIMITS = {
  pointsPerBatch: 10_000,
  pointsPerRun: 20_000_000,
  metricNamesPerRun: 1_000,
  lrGroups: 1_024,
  metricsPerPoint: 100,
  metricNameLength: 100,
  runNameLength: 200,
  tags: 50,
  tagLength: 100,
  clientIdLength: 64,
  configBytes: 64 * 1024,
  jsonDepth: 20,
  maxStep: 2_147_483_647,
  seriesMaxPoints: 10_000,
  listLimit: 500,
  bodyBytes: 16 * 1024 * 1024,
} as const;
