/** What other apps and the tests may use of the API app. */
export { brainMetrics } from './metrics/brain-metrics';
export { MISNAMED_DEFAULTS } from './metrics/metrics-collector.service';
export { runApi } from './run-api';
