// `lrscope/client`: the TypeScript client (package.json "exports"). The demo simulator and JS
// trainers use it; see LrscopeClient for the procedures and RunLogger for buffered logging.
export { LrscopeClient, DEFAULT_URL, type LrscopeClientOptions } from './lrscope-client';
export { RunLogger, type FlushResult, type RunLoggerOptions, type RunLoggerStats } from './run-logger';
export { LrscopeError, type Outcome } from './lrscope-error';
export type { BackoffPolicy } from './backoff';
export type { ErrorHandler } from './report-once';
export type { LogValues } from './to-wire-point';
export type * from './wire-types';
