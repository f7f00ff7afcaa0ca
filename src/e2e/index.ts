/** The e2e step library: `import { journey, expectStatus } from 'gauntlet/e2e'`. */
export { E2eClient, type CallOptions, type E2eResponse } from './client.ts';
export { expectStatus } from './expect.ts';
export { createKit, journey, runJourney, type Journey, type JourneyKit, type StepResult } from './journey.ts';
export { e2eGates, measurements, MEASUREMENTS_ENV, readMeasurements, record, type Measurement } from './measurements.ts';
export { timedStream, type TimedStream } from './stream.ts';
export { faultControl, type FaultControl } from '../control/control-client.ts';
