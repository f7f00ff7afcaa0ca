import { describeJourney } from '../../src/vitest/index.ts';
import { goalsJourney } from './journeys/goals.ts';

describeJourney(goalsJourney);
