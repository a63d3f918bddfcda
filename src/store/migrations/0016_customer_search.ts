// Customers by name, for "Find an escalation" by customer (store/findEscalations.ts): each name a
// brief gives (impact.customerNames), in lower case, a row each, so that a search by the start of a
// name reads an index instead of every brief; at 100,000 escalations, reading every brief's JSON took
// PostgreSQL over half a second. Triggers keep it in step with every write of a brief, whoever
// writes it; a deleted escalation takes its rows with it (foreign key).
// - SQLite: lower() folds ASCII letters only; the search folds what is typed with the same lower().
// - PostgreSQL: the names in byte order (collation "C"), so that "starts with" is a range of the index.
import { type Kysely, type Migration, sql } from 'kysely';
import type { Engine } from '../tables';

export function customerSearch(engine: Engine): Migration {
  return engine === 'sqlite' ? sqliteCustomers : postgresCustomers;
}

/** SQLite: the names of the escalation in row `row` ("new" in a trigger; the backfill reads every row), as rows. */
const sqliteNamesOf = (row: 'new' | 'escalations') => {
  const names = `json_each(${row}.brief, '$.impact.customerNames') c`;
  return sql.raw(`
    insert or ignore into escalation_customers (escalation_id, name)
    select ${row}.id, lower(trim(c.value)) from ${row === 'new' ? names : `escalations, ${names}`}
    where json_type(${row}.brief, '$.impact.customerNames') = 'array' and trim(c.value) <> '';`);
};

const sqliteCustomers: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table escalation_customers (
        escalation_id integer not null references escalations (id) on delete cascade,
        name text not null,
        primary key (escalation_id, name)
      )`.execute(db);
    await sql`create index escalation_customers_by_name on escalation_customers (name, escalation_id)`.execute(db);
    await sql`${sqliteNamesOf('escalations')}`.execute(db);
    await sql`
      create trigger escalation_customers_insert after insert on escalations begin
        ${sqliteNamesOf('new')}
      end`.execute(db);
    await sql`
      create trigger escalation_customers_update after update of brief on escalations
      when old.brief is not new.brief begin
        delete from escalation_customers where escalation_id = old.id;
        ${sqliteNamesOf('new')}
      end`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists escalation_customers_update`.execute(db);
    await sql`drop trigger if exists escalation_customers_insert`.execute(db);
    await sql`drop table if exists escalation_customers`.execute(db);
  },
};

const postgresCustomers: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table escalation_customers (
        escalation_id bigint not null references escalations (id) on delete cascade,
        name text collate "C" not null,
        primary key (escalation_id, name)
      )`.execute(db);
    await sql`create index escalation_customers_by_name on escalation_customers (name, escalation_id)`.execute(db);
    await sql`
      create function escalation_customer_names(brief text) returns setof text
      language sql immutable parallel safe as $$
        select distinct lower(btrim(c.name)) from jsonb_array_elements_text(
          case when jsonb_typeof(brief::jsonb #> '{impact,customerNames}') = 'array'
            then brief::jsonb #> '{impact,customerNames}' else '[]'::jsonb end) c (name)
        where btrim(c.name) <> ''
      $$`.execute(db);
    await sql`
      create function escalation_customers_sync() returns trigger language plpgsql as $$
      begin
        delete from escalation_customers where escalation_id = new.id;
        insert into escalation_customers (escalation_id, name)
        select new.id, n from escalation_customer_names(new.brief) n on conflict do nothing;
        return null;
      end
      $$`.execute(db);
    await sql`
      insert into escalation_customers (escalation_id, name)
      select e.id, n from escalations e, escalation_customer_names(e.brief) n`.execute(db);
    await sql`
      create trigger escalation_customers_insert after insert on escalations
      for each row execute function escalation_customers_sync()`.execute(db);
    await sql`
      create trigger escalation_customers_update after update of brief on escalations
      for each row when (old.brief is distinct from new.brief) execute function escalation_customers_sync()`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>) {
    await sql`drop trigger if exists escalation_customers_update on escalations`.execute(db);
    await sql`drop trigger if exists escalation_customers_insert on escalations`.execute(db);
    await sql`drop table if exists escalation_customers`.execute(db);
    await sql`drop function if exists escalation_customers_sync()`.execute(db);
    await sql`drop function if exists escalation_customer_names(text)`.execute(db);
  },
};
