// The brief as plain text, in one fixed layout that people paste and integrations parse: its
// golden tests (tests/domain/briefText.test.ts, tests/support/briefs.ts fullBriefText) are the spec.
// The sections and their words are domain/briefSections.ts'; this file only lays them out.
import type { Brief } from './brief';
import { type BriefLine, type BriefSection, briefSections, factValue, noneGiven } from './briefSections';
import { ticketLabel } from './tickets';
import { targetLabels } from './tiers';
import { severityLabels } from './vocabulary';

export function briefText(brief: Brief): string {
  const head = [
    `ESCALATION: ${brief.summary}`,
    `Severity: ${severityLabels[brief.severity]}`,
    `Target: ${targetLabels[brief.target]}`,
    ...(brief.ticket
      ? [`Ticket: ${ticketLabel(brief.ticket)}${brief.ticket.url ? ` <${brief.ticket.url}>` : ''}`]
      : []),
  ];
  const blocks = [head, ...briefSections(brief).map(sectionText)];
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function sectionText(section: BriefSection): string[] {
  const heading = section.heading.toUpperCase();
  if (!section.given) return [heading, `- ${noneGiven}`];
  // Reproduction's facts follow its steps unbulleted; every other section's are bullets.
  const bullet = section.key === 'reproduction' ? '' : '- ';
  return [heading, ...section.lines.flatMap((line) => lineText(line, bullet))];
}

function lineText(line: BriefLine, bullet: string): string[] {
  switch (line.kind) {
    case 'fact':
      return [
        line.asText
          ? `${bullet}${line.asText.label}: ${line.asText.value}`
          : `${bullet}${line.label}: ${factValue(line)}`,
      ];
    case 'list':
      if (line.items.length === 0) return [`- ${noneGiven}`];
      return line.items.map((item, n) => (line.numbered ? `${n + 1}. ${item}` : `- ${item}`));
    case 'text':
      return [line.text];
  }
}
