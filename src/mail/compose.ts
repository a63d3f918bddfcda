// The brief as an email: a subject people can sort by, an HTML body that is the brief itself
// (every section of brief.txt, so a reply or a forward, which keeps the body, still carries it)
// and the actionable card in the head, as Outlook reads it.

import type { EmailReason } from '../app/ports';
import type { Brief } from '../domain/brief';
import { type BriefSection, briefSections, factValue, noneGiven } from '../domain/briefSections';
import type { Escalation } from '../domain/escalation';
import { ticketLabel } from '../domain/tickets';
import { targetLabels } from '../domain/tiers';
import { severityLabels } from '../domain/vocabulary';

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
    briefHtml(escalation.brief),
    '</body>',
    '</html>',
  ].join('\n');
}

/**
 * The brief as HTML, section by section as brief.txt lays it out (domain/briefSections.ts): its
 * headings as headings, its lists as lists, what people wrote as text, whatever it says.
 */
export function briefHtml(brief: Brief): string {
  const html = [
    `<h2>${escapeText(brief.summary)}</h2>`,
    `<p>Severity: ${escapeText(severityLabels[brief.severity])}</p>`,
    `<p>Target: ${escapeText(targetLabels[brief.target])}</p>`,
    ...(brief.ticket ? [`<p>Ticket: ${escapeText(ticketLabel(brief.ticket))}</p>`] : []),
  ];
  for (const section of briefSections(brief)) {
    html.push(`<h3>${escapeText(section.heading.toUpperCase())}</h3>`);
    if (!section.given) html.push(`<ul>\n<li>${noneGiven}</li>\n</ul>`);
    else html.push(...sectionHtml(section));
  }
  return html.join('\n');
}

function sectionHtml(section: BriefSection): string[] {
  const html: string[] = [];
  let bullets: string[] = [];
  const endBullets = () => {
    if (bullets.length > 0) html.push(list('ul', bullets));
    bullets = [];
  };
  for (const line of section.lines) {
    if (line.kind === 'fact') {
      const [label, value] = line.asText ? [line.asText.label, line.asText.value] : [line.label, factValue(line)];
      // Reproduction's facts follow its steps as lines of their own, as in brief.txt.
      if (section.key === 'reproduction') html.push(`<p>${escapeText(`${label}: ${value}`)}</p>`);
      else bullets.push(`${label}: ${value}`);
      continue;
    }
    endBullets();
    if (line.kind === 'text')
      html.push(
        ...line.text
          .split('\n')
          .filter(Boolean)
          .map((p) => `<p>${escapeText(p)}</p>`),
      );
    else if (line.items.length === 0) html.push(list('ul', [noneGiven]));
    else html.push(list(line.numbered ? 'ol' : 'ul', line.items));
  }
  endBullets();
  return html;
}

function list(kind: 'ul' | 'ol', items: string[]): string {
  return [`<${kind}>`, ...items.map((item) => `<li>${escapeText(item)}</li>`), `</${kind}>`].join('\n');
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
