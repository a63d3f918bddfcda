// The answer to the person who escalated: what was created and where it went.
import template from '../../../cards/escalation-confirmation.json';
import type { Escalation } from '../../domain/escalation';
import { severityLabels, targetLabels } from '../../domain/vocabulary';
import { type AdaptiveCard, expand, userTextSafe } from './render';

export interface ConfirmationCardModel {
  headline: string;
  summary: string;
  facts: { title: string; value: string }[];
  whereText: string;
  bindHelp: string;
  postUrl: string;
  briefUrl: string;
  /** In the Escalate dialog: a Done button closes it. */
  inDialog: boolean;
}

export interface ConfirmationInput {
  escalation: Escalation;
  /** Shown in the Escalate dialog (rather than in a chat). */
  inDialog?: boolean;
  /** A link that opens the channel post, when it has been posted. */
  postUrl?: string;
  /** The channel's own name ("Engineering"), and its team's ("Customer Operations"). */
  channelName?: string;
  teamName?: string;
  /** The escalation already existed (a repeated submit). */
  existing?: boolean;
  /** Its tier has a channel, even if the post has not gone yet (Teams slow, or a queue). */
  channelBound?: boolean;
  /** "Brief as text": a signed link (app/briefLinks.ts) for the person who escalated. */
  briefUrl: string;
  /** Its card goes to the person's own chat with the bot too, kept current there. */
  personalCopy?: boolean;
}

export function confirmationCard(input: ConfirmationInput): AdaptiveCard {
  return expand(template, userTextSafe(confirmationCardModel(input), new Set(['postUrl', 'briefUrl'])));
}

export function bindHelpText(target: Escalation['brief']['target']): string {
  return `No channel takes ${targetLabels[target]} escalations yet. In the ${targetLabels[target]} team's channel, @mention Escalation Desk with "route ${target}": this escalation is saved and will be posted there as soon as the channel is bound.`;
}

export function confirmationCardModel(input: ConfirmationInput): ConfirmationCardModel {
  const { escalation, postUrl, channelName, existing, briefUrl } = input;
  const target = targetLabels[escalation.brief.target];
  const posted = postUrl !== undefined;
  const team = input.teamName ? ` of ${input.teamName}` : '';
  const where = `the ${channelName ?? target} channel${channelName ? team : ''}`;
  return {
    headline: existing ? `Already escalated as ${escalation.id}` : `Escalated as ${escalation.id}`,
    summary: escalation.brief.summary,
    facts: [
      { title: 'Severity', value: severityLabels[escalation.brief.severity] },
      { title: 'Escalated to', value: target },
    ],
    whereText: `${whereText(input, posted, where)}${input.personalCopy ? ` ${personalCopyText}` : ''}`,
    bindHelp: posted || input.channelBound ? '' : bindHelpText(escalation.brief.target),
    postUrl: postUrl ?? '',
    briefUrl,
    inDialog: input.inDialog ?? false,
  };
}

/** What the person is told of their own copy of the card. */
export const personalCopyText =
  'Its card is also in your chat with Escalation Desk, kept current; you follow it and are told of each change that matters.';

function whereText(input: ConfirmationInput, posted: boolean, where: string): string {
  if (posted) return `Posted in ${where}. Its card there shows status, owner and customer updates as they change.`;
  return input.channelBound
    ? `Saved, and on its way to ${where}: it appears there in a moment.`
    : 'Saved, not posted yet.';
}
