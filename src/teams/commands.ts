// Text commands: in a channel (the bot @mentioned) route / routes / unroute; in a
// personal or group chat new / mine / show ESC-n / help. One handler a command.
import { type CloudAdapter, TurnContext } from 'botbuilder';
import {
  canSee,
  mayChooseEmailListOf,
  RosterUnavailable,
  rolesOn,
  sightFor,
  type TeamPlace,
  teamOfBinding,
  viewerOf,
  viewerOn,
} from '../app/access';
import { postWaiting } from '../app/escalate';
import type { CardPlace, ChannelMove, ChannelPlace } from '../app/ports';
import { anyone, mayBindChannel, type Viewer } from '../domain/access';
import { parseAddresses } from '../domain/emailing';
import { escalationIdPattern, type Person } from '../domain/escalation';
import { isRestricted, type Target, targetLabels, targetNamed, targets } from '../domain/tiers';
import { severityLabels, statusLabels } from '../domain/vocabulary';
import { channelPeople, channelPlace, referenceFor, withNames } from './bindings';
import { when } from './cards/briefCard';
import { formCard } from './cards/formCard';
import { attachment, neverALink } from './cards/render';
import type { TeamsDeps } from './deps';
import { escalationCard } from './escalationCard';
import { fill } from './formSubmission';
import { channelOfActivity, personOf, type TeamsChannel, unknownPersonText } from './people';
import { saveCommand } from './saveToEscalation';

type Command = (context: TurnContext, argument: string, deps: TeamsDeps) => Promise<void>;

export const channelHelp = [
  'In a channel, @mention me with:',
  '- **route <tier>**: post that tier’s escalations in this channel (tiers: support, engineering, product, security, leadership)',
  '- **routes**: where each tier’s escalations are posted',
  '- **unroute <tier>**: stop posting that tier’s escalations here',
  '- **email <tier> <addresses>**: email that tier’s escalations (Critical ones, every Security one) to these people; **email <tier> none** stops it',
  'To escalate a case, use **Escalate** from the message box or a message’s “...” menu.',
].join('\n\n');

export const chatHelp = [
  '**Escalation Desk** takes a support escalation from “should this go up?” to “resolved”.',
  '- **new**: open the escalation form',
  '- **new <ticket>**: the form filled from a help-desk ticket: its link, or e.g. **new Zendesk #4821**, **new INC0010023**, **new SUP-12**',
  '- **mine**: the escalations you raised or own',
  '- **show ESC-n**: one escalation, as its card',
  '- **help**: this list',
  '- **save <text>**: in an escalation’s swarm chat, @mention me with it to add it to that escalation’s timeline',
  'You can also use **Escalate** from any chat’s message box or a message’s “...” menu, and **Save to escalation** from a message’s “...” menu.',
].join('\n\n');

const channelCommands = new Map<string, Command>([
  [
    'route',
    async (context, argument, deps) => {
      const target = targetNamed(argument);
      if (!target) return say(context, `Which tier? Say **route** and one of: ${targets.join(', ')}.`);
      const person = personOf(context.activity);
      const channel = await withNames(context, channelOfActivity(context.activity) as TeamsChannel, deps.log);
      const previous = await deps.store.channelFor(target);
      const from = previous && channelPlace(previous);
      const refusal = await bindingRefusal(context, deps, person, channel, target, from);
      if (refusal) return say(context, refusal);
      const binding = {
        target,
        conversationReference: referenceFor(context.activity, channel, await channelPeople(context, channel, deps.log)),
        boundBy: person,
        boundAt: deps.clock.now().toISOString(),
      };
      const to = channelPlace(binding);
      const moved = from?.channelId !== to.channelId;
      // Bound again where it is: its people are read afresh; nothing moved, nothing to log.
      await deps.store.bindChannel(binding, moved ? { target, from, to, by: person, at: binding.boundAt } : undefined);
      const replaced = from && moved ? ` It replaces ${from.name}.` : '';
      await say(context, `This channel now takes **${targetLabels[target]}** escalations.${replaced}`);
      if (from && moved) {
        await tellChannel(
          context,
          deps,
          from,
          `**${targetLabels[target]}** escalations are now posted in ${to.name}: ${person.name} moved them from here.`,
        );
      }
      const waiting = await postWaiting(deps, target);
      if (waiting.length > 0) {
        await say(
          context,
          `Posted ${waiting.length} escalation(s) that were waiting: ${waiting.map((e) => e.id).join(', ')}.`,
        );
      }
    },
  ],
  [
    'routes',
    async (context, _argument, deps) => {
      const bound = new Map((await deps.store.listChannels()).map((b) => [b.target, b]));
      const lists = await deps.store.emailLists();
      const lines = targets.map((target) => {
        const binding = bound.get(target);
        const where = binding
          ? `- **${targetLabels[target]}**: ${channelPlace(binding).name}`
          : `- **${targetLabels[target]}**: no channel yet (@mention me with “route ${target}” in its channel)`;
        const emails = lists.get(target);
        return emails ? `${where}; emailed to ${emails.join(', ')}` : where;
      });
      const moves = await deps.store.channelMoves(movesShown);
      const history = moves.length > 0 ? ['', 'Latest changes:', ...moves.map(moveLine)] : [];
      await say(context, ['Where escalations are posted:', ...lines, ...history].join('\n'));
    },
  ],
  [
    'email',
    async (context, argument, deps) => {
      const [tier = '', ...rest] = argument.trim().split(/\s+/);
      const target = targetNamed(tier);
      if (!target) {
        return say(
          context,
          `Which tier? Say **email** with one of ${targets.join(', ')}, then the addresses (or “none”).`,
        );
      }
      const given = rest.join(' ');
      const parsed = given.trim().toLowerCase() === 'none' ? { addresses: [] } : parseAddresses(given);
      if ('problem' in parsed) return say(context, `${parsed.problem}. Nothing was changed.`);
      const person = personOf(context.activity);
      if (!person.id) return say(context, unknownPersonText);
      const here = channelOfActivity(context.activity) as TeamsChannel;
      const team = { teamId: here.teamId ?? here.channelId, serviceUrl: context.activity.serviceUrl };
      const allowed = await mayChooseEmailListOf(deps, person, target, team);
      if (allowed !== true) return say(context, await emailListRefusal(deps, target, team, allowed));
      await deps.store.setEmailList(target, parsed.addresses, person, deps.clock.now().toISOString());
      await say(
        context,
        parsed.addresses.length > 0
          ? `**${targetLabels[target]}** escalations are emailed to ${parsed.addresses.join(', ')}${isRestricted(target) ? ` (and ${targetLabels[target]} briefs to nobody else)` : ''}.`
          : `**${targetLabels[target]}** escalations are no longer emailed.`,
      );
    },
  ],
  [
    'unroute',
    async (context, argument, deps) => {
      const target = targetNamed(argument);
      if (!target) return say(context, `Which tier? Say **unroute** and one of: ${targets.join(', ')}.`);
      const binding = await deps.store.channelFor(target);
      const here = channelOfActivity(context.activity) as TeamsChannel;
      if (!binding) return say(context, `No channel takes ${targetLabels[target]} escalations.`);
      const from = channelPlace(binding);
      if (from.channelId !== here.channelId) {
        return say(
          context,
          `${targetLabels[target]} escalations are posted in ${from.name}, not here: say “unroute ${target}” there.`,
        );
      }
      const person = personOf(context.activity);
      const refusal = await bindingRefusal(context, deps, person, here, target, from);
      if (refusal) return say(context, refusal);
      await deps.store.unbindChannel(target, { target, from, by: person, at: deps.clock.now().toISOString() });
      await say(
        context,
        `${targetLabels[target]} escalations are no longer posted here. New ones wait until a channel is bound with “route ${target}”.`,
      );
    },
  ],
  // A channel is never a swarm chat: it is told to use "Save to escalation" on the message.
  ['save', saveCommand],
]);

/** Why they may not choose the tier's email list (domain/access.ts mayChooseEmailList), said where they asked. */
async function emailListRefusal(
  deps: TeamsDeps,
  target: Target,
  here: TeamPlace,
  allowed: false | 'unsure',
): Promise<string> {
  const tier = targetLabels[target];
  if (allowed === 'unsure') {
    return 'Teams could not tell us just now whether you are an owner of this team or an admin, so nothing was changed: try again in a minute.';
  }
  if (isRestricted(target)) {
    return `Only admins may choose whom ${tier} escalations are emailed to: whoever is on the list reads every one of them. Nothing was changed.`;
  }
  const binding = await deps.store.channelFor(target);
  if (!binding) {
    return `No channel takes ${tier} escalations yet: once one does (“route ${target}” there), its team's owners and admins choose whom they are emailed to. Nothing was changed.`;
  }
  const whose =
    teamOfBinding(binding)?.teamId === here.teamId
      ? "this team's owners"
      : `the owners of the team of ${channelPlace(binding).name}`;
  return `Only ${whose} and admins may choose whom ${tier} escalations are emailed to. Nothing was changed.`;
}

/** Channel moves `routes` lists. */
const movesShown = 5;

function moveLine(move: ChannelMove): string {
  const what = !move.from
    ? `bound to ${move.to?.name}`
    : !move.to
      ? `unbound from ${move.from.name}`
      : `moved from ${move.from.name} to ${move.to.name}`;
  return neverALink(`- ${when(move.at)}: **${targetLabels[move.target]}** ${what} by ${move.by.name}`);
}

/** Why this person may not bind the tier here (domain/access.ts mayBindChannel), or nothing. */
async function bindingRefusal(
  context: TurnContext,
  deps: TeamsDeps,
  person: Person,
  channel: TeamsChannel,
  target: Target,
  boundNow: ChannelPlace | undefined,
): Promise<string | undefined> {
  if (!person.id) return unknownPersonText;
  const team = { teamId: channel.teamId ?? channel.channelId, serviceUrl: context.activity.serviceUrl };
  let admin: boolean;
  let ownerOfThisTeam: boolean;
  try {
    [admin, ownerOfThisTeam] = await Promise.all([
      deps.directory.isAdmin({ id: person.id, teamsId: person.teamsId }, team),
      deps.directory.isTeamOwner({ id: person.id, teamsId: person.teamsId }, team),
    ]);
  } catch (error) {
    if (!(error instanceof RosterUnavailable)) throw error;
    return 'Teams could not tell us just now whether you are an owner of this team or an admin, so nothing was changed: try again in a minute.';
  }
  const allowed = mayBindChannel({
    target,
    admin,
    ownerOfThisTeam,
    boundNow: !boundNow
      ? 'nowhere'
      : (boundNow.teamId ?? boundNow.channelId) === team.teamId
        ? 'thisTeam'
        : 'otherTeam',
  });
  if (allowed) return undefined;
  return isRestricted(target)
    ? `Only admins may choose where ${targetLabels[target]} escalations go: whoever reads that channel reads every one of them. Nothing was changed. Ask an admin (an owner of the team Escalation Desk was first set up in, or someone in ADMINS).`
    : `Only this team's owners and admins may choose where ${targetLabels[target]} escalations go${boundNow ? `, and it is bound in another team (${boundNow.name}): an admin can move it` : ''}. Nothing was changed.`;
}

/** A post in a channel other than the one a command was said in (a tier moved away from it). */
async function tellChannel(context: TurnContext, deps: TeamsDeps, place: ChannelPlace, text: string): Promise<void> {
  try {
    await deps.paceTurnSend(place.channelId);
    await (context.adapter as CloudAdapter).createConversationAsync(
      deps.appId,
      'msteams',
      place.serviceUrl,
      '',
      {
        isGroup: true,
        bot: { id: deps.appId, name: 'Escalation Desk' },
        channelData: { channel: { id: place.channelId } },
        activity: { type: 'message', text, textFormat: 'markdown' } as never,
        members: [],
      },
      async () => {},
    );
  } catch (error) {
    deps.log(`could not tell ${place.name} that its tier moved: ${(error as Error).message}`);
    await say(context, `I could not tell ${place.name} about the move: let them know.`);
  }
}

const chatCommands = new Map<string, Command>([
  [
    'new',
    async (context, argument, deps) => {
      // "new Zendesk #4821" (what a desk's draft note opens this chat with): the form filled from that ticket.
      const ticket = argument.trim();
      const form = ticket ? await fill({ ticket }, 'chat', deps) : formCard({ mode: 'chat' });
      await context.sendActivity({ type: 'message', attachments: [attachment(form)] });
    },
  ],
  [
    'mine',
    async (context, _argument, deps) => {
      const person = personOf(context.activity);
      if (!person.id) return say(context, unknownPersonText);
      // A group chat is read by others: only what anyone may see goes there. A follower may have
      // lost sight of one they follow (moved to Security): only what they may see now.
      const viewer = chatPlace(context) === 'groupChat' ? anyone : (await viewerOf(deps, person)).viewer;
      const mine = await deps.store.listEscalations({ involving: person.id, sight: sightFor(deps, viewer), limit: 20 });
      if (mine.length === 0)
        return say(context, 'You have raised, own or follow no escalations yet. Say **new** to escalate a case.');
      const lines = mine.map(
        (e) =>
          `- **${e.id}** · ${severityLabels[e.brief.severity]} · ${targetLabels[e.brief.target]} · ${statusLabels[e.status]}: ${neverALink(e.brief.summary)}`,
      );
      await say(
        context,
        [`Your escalations (newest first${mine.length === 20 ? ', the latest 20' : ''}):`, ...lines].join('\n'),
      );
    },
  ],
  [
    'show',
    async (context, argument, deps) => {
      const id = argument.trim().toUpperCase();
      const place = chatPlace(context);
      const person = personOf(context.activity);
      const escalation = escalationIdPattern.test(id) ? await deps.store.getEscalation(id) : undefined;
      // In a personal chat the card is the person's; a group chat's is everyone's there.
      const known = escalation && place === 'personal' ? await viewerOn(deps, person, escalation) : undefined;
      const viewer: Viewer = known?.viewer ?? anyone;
      if (!escalation || !canSee(deps, viewer, escalation)) {
        const shown = id.length > 20 ? `${id.slice(0, 20)}…` : id;
        return say(
          context,
          `No escalation ${shown || 'given'} that can be shown here: say **show ESC-12** with its number.`,
        );
      }
      const roles = rolesOn(viewer, escalation);
      const card = await escalationCard(deps, escalation, { viewer, roles, unsure: known?.unsure });
      const sent = await context.sendActivity({ type: 'message', attachments: [attachment(card)] });
      if (sent?.id) {
        // Kept current too: the newest copy in this chat replaces the one before it.
        await deps.store.recordPostedCard({
          escalationId: escalation.id,
          conversationId: context.activity.conversation.id,
          activityId: sent.id,
          serviceUrl: context.activity.serviceUrl,
          postedAt: deps.clock.now().toISOString(),
          place,
          ...(place === 'personal' && person.id ? { viewerId: person.id } : {}),
        });
      }
    },
  ],
  ['help', async (context) => say(context, chatHelp)],
  ['save', saveCommand],
]);

/** Where a chat command was said: the person's own chat with the bot, or a group chat. */
function chatPlace(context: TurnContext): Exclude<CardPlace, 'channel'> {
  return context.activity.conversation?.conversationType === 'groupChat' || context.activity.conversation?.isGroup
    ? 'groupChat'
    : 'personal';
}

/** Runs the command a message names; anything else gets the help of where it was said. */
export async function runCommand(context: TurnContext, deps: TeamsDeps): Promise<void> {
  const text = TurnContext.removeRecipientMention(context.activity)?.trim() ?? context.activity.text?.trim() ?? '';
  const [word = '', ...rest] = text
    .replace(/<[^>]+>/g, '')
    .trim()
    .split(/\s+/);
  const inChannel = channelOfActivity(context.activity) !== undefined;
  const commands = inChannel ? channelCommands : chatCommands;
  const command = commands.get(word.toLowerCase());
  if (command) return command(context, rest.join(' '), deps);
  // Echo a little of what was said, never all of it.
  const shown = word.length > 40 ? `${word.slice(0, 40)}…` : word;
  await say(context, `${shown ? `I don’t know “${shown}”. ` : ''}${inChannel ? channelHelp : chatHelp}`);
}

async function say(context: TurnContext, text: string): Promise<void> {
  await context.sendActivity({ type: 'message', text, textFormat: 'markdown' });
}
