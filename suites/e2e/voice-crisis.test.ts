import { describeJourney } from '../../src/vitest/index.ts';
import { voiceCrisisJourney } from './journeys/voice-crisis.ts';

describeJourney(voiceCrisisJourney);
