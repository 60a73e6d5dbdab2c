export const METRICS_OPTIONS = Symbol('jobs:metrics-options');
