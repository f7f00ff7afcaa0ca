import { describeJourney } from '../../src/vitest/index.ts';
import { chatJourney } from './journeys/chat.ts';

describeJourney(chatJourney);
