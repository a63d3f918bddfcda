// What stands in for an escalation someone may not see: it says so, and nothing about it.
import template from '../../../cards/escalation-hidden.json';
import { type AccessPolicy, type Role, whoMaySee } from '../../domain/access';
import type { Target } from '../../domain/vocabulary';
import { targetLabels } from '../../domain/vocabulary';
import type { CardHost } from './briefCard';
import { type AdaptiveCard, expand } from './render';

export interface HiddenCardModel {
  headline: string;
  /** Who may see it instead; '' for none. */
  detail: string;
}

/** A card of a sentence or two; in Outlook at the version its cards take. */
export function hiddenCard(model: HiddenCardModel, host: CardHost = 'teams'): AdaptiveCard {
  const card = expand(template, model);
  if (host === 'outlook') card.version = '1.4';
  return card;
}

/** "A Security escalation is seen only by ...", from the policy itself. */
export function whoSeesText(target: Target, policy: AccessPolicy): string {
  const seeing = whoMaySee(target, policy);
  if (seeing === 'tenant') return '';
  const roleWords: Record<Role, string> = {
    requester: 'the person who raised it',
    owner: 'its owner',
    tierMember: `the ${targetLabels[target]} channel`,
    leadershipMember: 'the Leadership channel',
    admin: 'admins',
  };
  const words = seeing.map((role) => roleWords[role]);
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0];
  return `A ${targetLabels[target]} escalation is seen only by ${list}.`;
}
