// The connected desks, each by its system: what the help-desk routes and the form ask to read a
// ticket or write a note back.
import type { DeskSystem } from '../domain/tickets';
import type { DeskConnection } from './config';
import type { Desk } from './desk';
import { JiraDesk } from './jira';
import { ServiceNowDesk } from './servicenow';
import { ZendeskDesk } from './zendesk';

const clients: Record<DeskSystem, (connection: DeskConnection) => Desk> = {
  zendesk: (connection) => new ZendeskDesk(connection),
  servicenow: (connection) => new ServiceNowDesk(connection),
  jira: (connection) => new JiraDesk(connection),
};

export function desksFrom(connections: DeskConnection[]): Map<DeskSystem, Desk> {
  return new Map(connections.map((connection) => [connection.system, clients[connection.system](connection)]));
}
