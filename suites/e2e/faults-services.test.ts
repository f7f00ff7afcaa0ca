import { describeJourney } from '../../src/vitest/index.ts';
import { postgresRestartJourney, redisRestartJourney } from './journeys/faults.ts';

// Files of the e2e project run one at a time (vitest.config.ts): a stopped database must not hit another journey.
describeJourney(redisRestartJourney);
describeJourney(postgresRestartJourney);
