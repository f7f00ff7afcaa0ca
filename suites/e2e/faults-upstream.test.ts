import { describeJourney } from '../../src/vitest/index.ts';
import { slowStreamJourney, upstreamFaultJourney } from './journeys/faults.ts';

// Files of the e2e project run one at a time (vitest.config.ts): a fault here must not hit another journey.
describeJourney(upstreamFaultJourney('error', 11));
describeJourney(upstreamFaultJourney('timeout', 12));
describeJourney(upstreamFaultJourney('malformed', 13));
describeJourney(slowStreamJourney);
