import { describe, expect, it } from 'vitest';
import { leakedInternals, treatAsPublic } from './validate.ts';

describe('internals in an error body', () => {
  it("finds another internal address, but not the target's own echoed back (a debug 404 page's Request URL)", () => {
    treatAsPublic('http://127.0.0.1:39949');
    expect(leakedInternals('Request URL: http://127.0.0.1:39949/drones/x')).toEqual([]);
    expect(leakedInternals('upstream at 127.0.0.1:5432 did not answer')).toEqual(['an internal address (host:port)']);
    expect(leakedInternals('Request URL: http://127.0.0.1:39949/x, upstream 10.0.0.7:6379')).toEqual(['an internal address (host:port)']);
  });
});
