// Jira Service Management: the issue from Jira's REST API (v3, its description in Atlassian
// Document Format made plain), the request's comments from the service desk API (which knows
// public from internal), and an internal note written as an internal comment. Issues are named by
// their key (SUP-12).
import type { DeskSystem } from '../domain/tickets';
import { isOwnNote } from '../domain/tickets';
import type { DeskConnection } from './config';
import type { Desk, PublicReply, TicketFacts } from './desk';
import { DeskHttp, notATicket, unlessUnknown } from './deskHttp';

interface JiraPerson {
  accountId?: string;
  displayName?: string;
  emailAddress?: string | null;
}

interface JiraIssue {
  key: string;
  fields: {
    summary?: string | null;
    description?: unknown;
    priority?: { name?: string } | null;
    reporter?: JiraPerson | null;
    organizations?: { id?: string | number; name: string }[] | null;
  };
}

interface RequestComment {
  id: string;
  body: string;
  public: boolean;
  author?: JiraPerson;
  created?: { iso8601?: string };
}

interface CommentPage {
  values: RequestComment[];
  isLastPage?: boolean;
}

const issueKey = /^[A-Z][A-Z0-9_]{0,20}-[1-9]\d{0,9}$/;
/** The service desk API pages comments oldest first, 100 at most a page: the newest is on the last. */
const pageSize = 100;
const mostPages = 20;

export class JiraDesk implements Desk {
  readonly system: DeskSystem = 'jira';
  readonly baseUrl: string;
  private readonly http: DeskHttp;

  constructor(connection: DeskConnection, timeoutMs = 10_000) {
    this.baseUrl = connection.baseUrl;
    const account = { label: 'Jira', baseUrl: connection.baseUrl, user: connection.user, secret: connection.secret };
    this.http = new DeskHttp(account, timeoutMs);
  }

  async readTicket(id: string): Promise<TicketFacts | undefined> {
    const issue = await this.issue(id, 'summary,description,priority,reporter,labels,organizations');
    if (!issue) return undefined;
    const { fields } = issue;
    const reporter = fields.reporter;
    const lastPublicReply = await this.latestReply(id, reporter);
    return {
      ticket: { system: this.system, id, url: `${this.baseUrl}/browse/${id}` },
      summary: fields.summary ?? '',
      description: plainText(fields.description),
      ...(fields.priority?.name && { priority: fields.priority.name }),
      customerNames: (fields.organizations ?? []).map((o) => o.name),
      ...(reporter?.displayName && {
        requester: { name: reporter.displayName, ...(reporter.emailAddress && { email: reporter.emailAddress }) },
      }),
      ...(lastPublicReply && { lastPublicReply }),
    };
  }

  async latestPublicReply(id: string): Promise<PublicReply | undefined> {
    const issue = await this.issue(id, 'reporter');
    return issue && this.latestReply(id, issue.fields.reporter);
  }

  async writeInternalNote(id: string, text: string): Promise<void> {
    if (!issueKey.test(id)) throw notATicket('Jira', id, 'an issue key (SUP-12)');
    await this.http.send('POST', `/rest/servicedeskapi/request/${id}/comment`, { body: text, public: false });
  }

  private async issue(id: string, fields: string): Promise<JiraIssue | undefined> {
    if (!issueKey.test(id)) return undefined;
    return unlessUnknown(this.http.send<JiraIssue>('GET', `/rest/api/3/issue/${id}?fields=${fields}`));
  }

  /** The newest public comment that is neither the reporter's (the customer's) nor our own note. */
  private async latestReply(id: string, reporter: JiraPerson | null | undefined): Promise<PublicReply | undefined> {
    const byReporter = (author: JiraPerson | undefined) =>
      reporter?.accountId !== undefined ? author?.accountId === reporter.accountId : false;
    const comments = (await this.publicComments(id))
      .filter((c) => c.public && !byReporter(c.author) && !isOwnNote(c.body))
      .sort((a, b) => timeOf(b) - timeOf(a));
    const reply = comments[0];
    if (!reply) return undefined;
    const author = reply.author?.displayName ?? reply.author?.emailAddress ?? 'Jira user';
    return { id: String(reply.id), at: isoTime(reply.created?.iso8601), author, text: reply.body };
  }

  private async publicComments(id: string): Promise<RequestComment[]> {
    const comments: RequestComment[] = [];
    for (let page = 0; page < mostPages; page++) {
      const path = `/rest/servicedeskapi/request/${id}/comment?public=true&internal=false&start=${page * pageSize}&limit=${pageSize}`;
      const answer = await unlessUnknown(this.http.send<CommentPage>('GET', path));
      comments.push(...(answer?.values ?? []));
      if (answer?.isLastPage !== false) break;
    }
    return comments;
  }
}

/** Jira's times carry their offset ("2026-12-07T10:00:00+0100"): compare them as instants. */
function timeOf(comment: RequestComment): number {
  const time = Date.parse(comment.created?.iso8601 ?? '');
  return Number.isNaN(time) ? 0 : time;
}

/** Jira's "2026-12-07T10:00:00+0100" as ISO (UTC). */
function isoTime(created: string | undefined): string {
  const time = new Date(created ?? '');
  return Number.isNaN(time.getTime()) ? (created ?? '') : time.toISOString();
}

/** Blocks whose text stands on its own line(s). */
const blocks = new Set([
  'paragraph',
  'heading',
  'codeBlock',
  'blockquote',
  'rule',
  'tableRow',
  'tableCell',
  'tableHeader',
  'mediaGroup',
]);

/**
 * Atlassian Document Format as plain text: text nodes as they are, a paragraph, heading or list
 * item a line, a hard break a newline, a mention or emoji as it reads. A string is already plain.
 */
export function plainText(document: unknown): string {
  if (typeof document === 'string') return document.trim();
  return lines(document)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

interface AdfNode {
  type?: string;
  text?: string;
  attrs?: { text?: string; url?: string; shortName?: string; order?: number };
  content?: unknown[];
}

function lines(value: unknown): string {
  if (typeof value !== 'object' || value === null) return '';
  const node = value as AdfNode;
  switch (node.type) {
    case 'text':
      return node.text ?? '';
    case 'hardBreak':
      return '\n';
    case 'mention':
    case 'emoji':
      return node.attrs?.text ?? node.attrs?.shortName ?? '';
    case 'inlineCard':
      return node.attrs?.url ?? '';
    case 'bulletList':
      return items(node, () => '- ');
    case 'orderedList':
      return items(node, (i) => `${(node.attrs?.order ?? 1) + i}. `);
    default:
      return blocks.has(node.type ?? '') ? `${inner(node)}\n` : inner(node);
  }
}

/** One line a list item (its own nested lists follow it), each with its bullet or number. */
function items(list: AdfNode, mark: (index: number) => string): string {
  const content = Array.isArray(list.content) ? list.content : [];
  return content.map((item, i) => `${mark(i)}${inner(item as AdfNode).trim()}\n`).join('');
}

function inner(node: AdfNode): string {
  return Array.isArray(node.content) ? node.content.map(lines).join('') : '';
}
