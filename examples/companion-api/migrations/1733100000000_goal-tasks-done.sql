-- Up Migration
-- A counter kept with each goal: how many of its tasks are done (GET /goals/{id} shows it as tasksDone).
alter table goals add column tasks_done integer not null default 0;
update goals g set tasks_done = (select count(*) from tasks t where t.goal_id = g.id and t.done_at is not null);

-- Down Migration
alter table goals drop column tasks_done;
