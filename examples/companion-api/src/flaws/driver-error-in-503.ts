import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'driver-error-in-503',
  summary: "While the database is down, the 503 says what the driver said (`connect ECONNREFUSED 10.0.3.7:5432`): the right status, with the deployment's internal address in it.",
  caughtBy: 'e2e: e2e:leak:<request>:a driver message (every response of the journeys and fault scenarios is scanned)',
  apply(seams) {
    seams.unavailableDetail = (error) => `the database is unavailable: ${error.message}`;
  },
};
