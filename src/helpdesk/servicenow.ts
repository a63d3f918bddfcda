// ServiceNow's Table API (/api/now/table): an incident read with display values (priority
// "1 - Critical", the company's and caller's names), its customer-visible journal ("comments",
// never "work_notes"), and an internal note written as a work note. An incident is named by its
// number (INC0010023) or its sys_id (32 hex digits); writing needs the sys_id.
import type { DeskSystem } from '../domain/tickets';
import { isOwnNote } from '../domain/tickets';
import type { DeskConnection } from './config';
import { type Desk, DeskError, type PublicReply, type TicketFacts } from './desk';
import { DeskHttp, notATicket } from './deskHttp';

/** With sysparm_display_value=true a reference reads as its name, or as {display_value, link}. */
type Shown = string | { display_value?: string | null; link?: string } | null | undefined;

interface Incident {
  sys_id: string;
  number: string;
  short_description?: string | null;
  description?: string | null;
  priority?: Shown;
  company?: Shown;
  caller_id?: Shown;
  /** Dot-walked: the caller's login, as the journal names who wrote an entry. */
  'caller_id.user_name'?: Shown;
}

interface JournalEntry {
  sys_id: string;
  value: string;
  sys_created_on: string;
  sys_created_by: string;
}

const incidentNumber = /^INC\d{1,20}$/;
const sysId = /^[0-9a-f]{32}$/;
const expected = 'an incident number (INC0010023) or a sys_id';

export class ServiceNowDesk implements Desk {
  readonly system: DeskSystem = 'servicenow';
  readonly baseUrl: string;
  private readonly http: DeskHttp;

  constructor(
    private readonly connection: DeskConnection,
    timeoutMs = 10_000,
  ) {
    this.baseUrl = connection.baseUrl;
    const account = {
      label: 'ServiceNow',
      baseUrl: connection.baseUrl,
      user: connection.user,
      secret: connection.secret,
    };
    this.http = new DeskHttp(account, timeoutMs);
  }

  async readTicket(id: string): Promise<TicketFacts | undefined> {
    const fields = 'sys_id,number,short_description,description,priority,company,caller_id,caller_id.user_name';
    const incident = await this.incident(id, { sysparm_display_value: 'true', sysparm_fields: fields });
    if (!incident) return undefined;
    const company = shown(incident.company);
    const caller = shown(incident.caller_id);
    const priority = shown(incident.priority);
    const lastPublicReply = await this.latestReply(incident);
    return {
      ticket: { system: this.system, id: incident.number, url: this.linkTo(incident.sys_id) },
      summary: incident.short_description ?? '',
      description: incident.description ?? '',
      ...(priority && { priority }),
      customerNames: company ? [company] : [],
      ...(caller && { requester: { name: caller } }),
      ...(lastPublicReply && { lastPublicReply }),
    };
  }

  /** The newest additional comment (what the customer sees) that is neither the caller's nor our own note. */
  async latestPublicReply(id: string): Promise<PublicReply | undefined> {
    const incident = await this.incident(id, { sysparm_fields: 'sys_id,caller_id.user_name' });
    return incident && this.latestReply(incident);
  }

  private async latestReply(incident: Incident): Promise<PublicReply | undefined> {
    const journal = await this.http.send<{ result: JournalEntry[] }>(
      'GET',
      `/api/now/table/sys_journal_field?${new URLSearchParams({
        sysparm_query: `element_id=${incident.sys_id}^element=comments^ORDERBYDESCsys_created_on`,
        sysparm_limit: '10',
        sysparm_fields: 'sys_id,value,sys_created_on,sys_created_by',
      })}`,
    );
    const caller = shown(incident['caller_id.user_name']);
    const reply = journal?.result.find((e) => e.sys_created_by !== caller && !isOwnNote(e.value));
    if (!reply) return undefined;
    return { id: reply.sys_id, at: isoTime(reply.sys_created_on), author: reply.sys_created_by, text: reply.value };
  }

  async writeInternalNote(id: string, text: string): Promise<void> {
    if (!incidentNumber.test(id) && !sysId.test(id)) throw notATicket('ServiceNow', id, expected);
    const incident = sysId.test(id) ? { sys_id: id } : await this.incident(id, { sysparm_fields: 'sys_id' });
    if (!incident)
      throw new DeskError(`ServiceNow has no incident ${id} (or ${this.connection.user} may not see it)`, 404);
    await this.http.send('PATCH', `/api/now/table/incident/${incident.sys_id}`, { work_notes: text });
  }

  /** An incident by number or sys_id; undefined when there is none (the Table API answers an empty list). */
  private async incident(id: string, params: Record<string, string>): Promise<Incident | undefined> {
    const field = incidentNumber.test(id) ? 'number' : sysId.test(id) ? 'sys_id' : undefined;
    if (!field) return undefined;
    const query = new URLSearchParams({ sysparm_query: `${field}=${id}`, ...params, sysparm_limit: '1' });
    const answer = await this.http.send<{ result: Incident[] }>('GET', `/api/now/table/incident?${query}`);
    return answer?.result[0];
  }

  private linkTo(sysIdOf: string): string {
    return `${this.baseUrl}/nav_to.do?uri=incident.do%3Fsys_id%3D${sysIdOf}`;
  }
}

function shown(value: Shown): string | undefined {
  const said = typeof value === 'string' ? value : value?.display_value;
  return said?.trim() ? said.trim() : undefined;
}

/** The Table API's "2026-12-07 10:00:00" is UTC (without display values). */
function isoTime(created: string): string {
  const time = new Date(`${created.replace(' ', 'T')}Z`);
  return Number.isNaN(time.getTime()) ? created : time.toISOString();
}
