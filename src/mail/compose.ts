// The brief as an email: a subject people can sort by, an HTML body that is the brief itself
// (every section of brief.txt, so a reply or a forward, which keeps the body, still carries it)
// and the actionable card in the head, as Outlook reads it.
import type { EmailReason } from '../app/ports';
import { briefText } from '../domain/briefText';
import type { Escalation } from '../domain/escalation';
import { severityLabels, targetLabels } from '../domain/vocabulary';

export interface EmailLinks {
  /** The card's thread in Teams, when it has been posted. */
  thread?: string;
  /** The brief as text (a signed link). */
  brief: string;
}

/** "[ESC-12 · Critical · Engineering] Invoices export as empty PDFs" */
export function emailSubject(escalation: Escalation): string {
  const { brief } = escalation;
  const subject = `[${escalation.id} · ${severityLabels[brief.severity]} · ${targetLabels[brief.target]}] ${brief.summary}`;
  // A header line: no line breaks, whatever the summary held.
  return subject.replace(/[\r\n]+/g, ' ');
}

/** What the first line says of why this person got it. */
const reasonLines: Record<EmailReason, string> = {
  escalated: 'A new escalation for your team.',
  raised: 'Raised to Leadership: its SLA is breached.',
  shared: 'Shared with you from its card in Teams.',
};

export function emailHtml(escalation: Escalation, reason: EmailReason, card: unknown, links: EmailLinks): string {
  const open = links.thread
    ? `<p><a href="${escapeAttribute(links.thread)}">Open it in Teams</a> · <a href="${escapeAttribute(links.brief)}">Brief as text</a></p>`
    : `<p><a href="${escapeAttribute(links.brief)}">Brief as text</a></p>`;
  return [
    '<!DOCTYPE html>',
    '<html>',
    '<head>',
    '<meta charset="utf-8">',
    // The card, as Outlook finds it; "</" is escaped so no text in it can end the script.
    `<script type="application/adaptivecard+json">${JSON.stringify(card).replace(/<\//g, '<\\/')}</script>`,
    '</head>',
    '<body style="font-family: Segoe UI, sans-serif">',
    `<p>${escapeText(reasonLines[reason])}</p>`,
    open,
    briefHtml(briefText(escalation.brief)),
    '</body>',
    '</html>',
  ].join('\n');
}

/** brief.txt as HTML: its headings as headings, its "- " lines as lists, the rest as paragraphs. */
export function briefHtml(text: string): string {
  const html: string[] = [];
  let list: 'ul' | 'ol' | undefined;
  const close = () => {
    if (list) html.push(`</${list}>`);
    list = undefined;
  };
  for (const line of text.split('\n')) {
    const bullet = /^- (.*)$/.exec(line);
    const numbered = /^\d+\. (.*)$/.exec(line);
    if (bullet || numbered) {
      const kind = bullet ? 'ul' : 'ol';
      if (list !== kind) {
        close();
        html.push(`<${kind}>`);
        list = kind;
      }
      html.push(`<li>${escapeText((bullet ?? numbered)?.[1] ?? '')}</li>`);
      continue;
    }
    close();
    if (line === '') continue;
    if (/^ESCALATION: /.test(line)) html.push(`<h2>${escapeText(line.slice('ESCALATION: '.length))}</h2>`);
    else if (/^[A-Z][A-Z' ]+$/.test(line)) html.push(`<h3>${escapeText(line)}</h3>`);
    else html.push(`<p>${escapeText(line)}</p>`);
  }
  close();
  return html.join('\n');
}

/** The email as an RFC 5322 message file (.eml), for a newcomer to open without any mail set up. */
export function emlMessage(email: { from: string; to: string[]; subject: string; html: string }, at: Date): string {
  const encoded = (text: string) => `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
  const body = Buffer.from(email.html, 'utf8')
    .toString('base64')
    .replace(/(.{76})/g, '$1\r\n');
  return [
    `From: ${email.from}`,
    `To: ${email.to.join(', ')}`,
    `Subject: ${encoded(email.subject)}`,
    `Date: ${at.toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
    '',
  ].join('\r\n');
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}
