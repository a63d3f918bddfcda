// The connected desks, each by its system: what the help-desk routes and the form ask to read a
// ticket or write a note back.
import type { DeskSystem } from '../domain/tickets';
import type { DeskConnection } from './config';
import type { Desk } from './desk';
import { JiraDesk } from './jira';
import { ServiceNowDesk } from './servicenow';
import { ZendeskDesk } from './zendesk';

const clients: Record<DeskSystem, (connection: DeskConnection, timeoutMs?: number) => Desk> = {
  zendesk: (connection, timeoutMs) => new ZendeskDesk(connection, timeoutMs),
  servicenow: (connection, timeoutMs) => new ServiceNowDesk(connection, timeoutMs),
  jira: (connection, timeoutMs) => new JiraDesk(connection, timeoutMs),
};

/** `timeoutMs`: how long a call may take (each client's own default when not given). */
export function desksFrom(connections: DeskConnection[], timeoutMs?: number): Map<DeskSystem, Desk> {
  return new Map(
    connections.map((connection) => [connection.system, clients[connection.system](connection, timeoutMs)]),
  );
}
