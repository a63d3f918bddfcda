// The schema, as ordered steps the Kysely Migrator applies once per database, one file a step.
// Add a new step for every change; never edit one that has shipped. A step holds the values of
// its day (statuses, times, the text it indexes) as literals, never the domain's live constants,
// so that a fresh database and an upgraded one end up the same: when a rule the schema knows
// changes, a new step follows it (tests/store/migrations.contract.test.ts tells when).
import type { Migration } from 'kysely';
import type { Engine } from '../tables';
import { firstSchema } from './0001_escalations_timeline_channels_cards';
import { peopleColumns } from './0002_people_columns';
import { outboxAndActionKeys } from './0003_outbox_action_keys';
import { searchIndex } from './0004_search';
import { slaAndLinks } from './0005_sla_and_links';
import { slaSchedule } from './0006_sla_schedule';
import { searchOnOpenOrClose } from './0007_search_on_open_or_close';
import { accessColumns } from './0008_access';
import { requestHash } from './0009_request_hash';
import { email } from './0010_email';
import { board } from './0011_board';
import { helpdesk } from './0012_helpdesk';
import { swarmChats } from './0013_swarm_chats';
import { savedLinks } from './0014_saved_links';
import { followers } from './0015_followers';
import { customerSearch } from './0016_customer_search';

/** Named so they sort in the order they must run. */
export function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001_escalations_timeline_channels_cards': firstSchema(engine),
    '0002_people_columns': peopleColumns,
    '0003_outbox_action_keys': outboxAndActionKeys(engine),
    '0004_search': searchIndex(engine),
    '0005_sla_and_links': slaAndLinks(engine),
    '0006_sla_schedule': slaSchedule,
    '0007_search_on_open_or_close': searchOnOpenOrClose(engine),
    '0008_access': accessColumns(engine),
    '0009_request_hash': requestHash,
    '0010_email': email,
    '0011_board': board,
    '0012_helpdesk': helpdesk(engine),
    '0013_swarm_chats': swarmChats(engine),
    '0014_saved_links': savedLinks,
    '0015_followers': followers(engine),
    '0016_customer_search': customerSearch(engine),
  };
}
