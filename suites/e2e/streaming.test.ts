import { describeJourney } from '../../src/vitest/index.ts';
import { streamingJourney } from './journeys/streaming.ts';

describeJourney(streamingJourney);
