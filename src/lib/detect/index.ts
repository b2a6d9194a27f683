export { createDetector, detect, type Detector, type DetectorOptions } from './detector';
export type { LoggedPoint } from './series';
export { firstChange } from './plausibility';
export { detectorInput, detectorOptions, detectorPoints, usesSchedulerMetric, type RunPoint, type RunSettings } from './detector-input';
