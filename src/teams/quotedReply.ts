// The message a person replied to (quoted) when they said "save" to the bot in a chat. Teams sends
// it as a quotedReply entity (its id, sender, a preview of its text), or, from older clients, as a
// blockquote of itemtype schema.skype.com/Reply in the message's HTML attachment.
import type { Activity } from 'botbuilder';
import { messageText } from '../domain/messageText';

export interface QuotedMessage {
  messageId?: string;
  author?: string;
  /** Plain text: Teams sends a preview of the quoted message. */
  text: string;
}

export function quotedMessageOf(activity: Activity): QuotedMessage | undefined {
  return fromEntity(activity.entities) ?? fromHtml(activity.attachments);
}

function fromEntity(entities: unknown): QuotedMessage | undefined {
  if (!Array.isArray(entities)) return undefined;
  const entity = entities.find((e) => e && typeof e === 'object' && (e as { type?: unknown }).type === 'quotedReply') as
    | { quotedReply?: { messageId?: unknown; senderName?: unknown; preview?: unknown } }
    | undefined;
  const quoted = entity?.quotedReply;
  if (!quoted || typeof quoted.preview !== 'string') return undefined;
  return {
    ...(typeof quoted.messageId === 'string' && { messageId: quoted.messageId.slice(0, 100) }),
    ...(typeof quoted.senderName === 'string' && { author: messageText(quoted.senderName).slice(0, 200) }),
    text: messageText(quoted.preview),
  };
}

function fromHtml(attachments: unknown): QuotedMessage | undefined {
  if (!Array.isArray(attachments)) return undefined;
  const html = attachments.find(
    (a) => a && typeof a === 'object' && (a as { contentType?: unknown }).contentType === 'text/html',
  ) as { content?: unknown } | undefined;
  if (typeof html?.content !== 'string') return undefined;
  const content = html.content.slice(0, 20_000);
  const quote =
    /<blockquote[^>]{0,500}itemtype="http:\/\/schema\.skype\.com\/Reply"[^>]{0,500}>([\s\S]{0,15000}?)<\/blockquote>/i.exec(
      content,
    );
  if (!quote) return undefined;
  const [opening = '', inner = ''] = [quote[0].slice(0, quote[0].indexOf('>') + 1), quote[1]];
  const messageId = /itemid="([\w:;.@-]{1,100})"/.exec(opening)?.[1];
  const author = /<strong[^>]{0,300}itemprop="mri"[^>]{0,300}>([^<]{0,200})<\/strong>/i.exec(inner)?.[1];
  const body = /<p[^>]{0,300}itemprop="(?:copy|preview)"[^>]{0,300}>([\s\S]{0,10000}?)<\/p>/i.exec(inner)?.[1];
  if (!body) return undefined;
  return {
    ...(messageId && { messageId }),
    ...(author && { author: messageText(author) }),
    text: messageText(body, 'html'),
  };
}
