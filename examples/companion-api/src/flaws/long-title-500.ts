import type { Flaw } from './_flaw.ts';

export const flaw: Flaw = {
  name: 'long-title-500',
  summary: 'Goal titles have no maxLength (in the document or the validation), but a copy goes to a search index whose column is varchar(255): a title of 256 characters is a 500.',
  caughtBy: 'contract: contract:POST /goals:boundaries (strings of 256, 4,096 and 65,536 characters, whether or not the document sets a maxLength)',
  apply(seams) {
    seams.goalTitleMaxLength = undefined;
    seams.indexGoalTitle = async (pool, title) => {
      // The index of a legacy search feature, per connection: the real error of a varchar(255) column.
      const client = await pool.connect();
      try {
        await client.query('create temp table if not exists goal_title_index (title varchar(255))');
        await client.query('insert into goal_title_index (title) values ($1)', [title]);
      } finally {
        client.release();
      }
    };
  },
};
