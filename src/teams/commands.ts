// Text commands: in a channel (the bot @mentioned) route / routes / unroute; in a
// personal or group chat new / mine / show ESC-n / help. One handler a command.
import { TurnContext } from 'botbuilder';
import { postWaiting } from '../app/escalate';
import { severityLabels, statusLabels, type Target, targetLabels, targets } from '../domain/vocabulary';
import { bindingChannel, referenceFor, teamPeople, withNames } from './bindings';
import { formCard } from './cards/formCard';
import { attachment } from './cards/render';
import type { TeamsDeps } from './deps';
import { escalationCard } from './escalationCard';
import { channelName, channelOfActivity, personOf, type TeamsChannel } from './people';

type Command = (context: TurnContext, argument: string, deps: TeamsDeps) => Promise<void>;

export const channelHelp = [
  'In a channel, @mention me with:',
  '- **route <tier>**: post that tier’s escalations in this channel (tiers: support, engineering, product, security, leadership)',
  '- **routes**: where each tier’s escalations are posted',
  '- **unroute <tier>**: stop posting that tier’s escalations here',
  'To escalate a case, use **Escalate** from the message box or a message’s “...” menu.',
].join('\n\n');

export const chatHelp = [
  '**Escalation Desk** takes a support escalation from “should this go up?” to “resolved”.',
  '- **new**: open the escalation form',
  '- **mine**: the escalations you raised or own',
  '- **show ESC-n**: one escalation, as its card',
  '- **help**: this list',
  'You can also use **Escalate** from any chat’s message box or a message’s “...” menu.',
].join('\n\n');

const channelCommands: Record<string, Command> = {
  route: async (context, argument, deps) => {
    const target = targetNamed(argument);
    if (!target) return say(context, `Which tier? Say **route** and one of: ${targets.join(', ')}.`);
    const channel = await withNames(context, channelOfActivity(context.activity) as TeamsChannel);
    const previous = await deps.store.channelFor(target);
    await deps.store.bindChannel({
      target,
      conversationReference: referenceFor(context.activity, channel, await teamPeople(context)),
      boundBy: personOf(context.activity),
      boundAt: deps.clock.now().toISOString(),
    });
    const replaced =
      previous && bindingChannel(previous).channelId !== channel.channelId
        ? ` It replaces ${channelName(bindingChannel(previous))}.`
        : '';
    await say(context, `This channel now takes **${targetLabels[target]}** escalations.${replaced}`);
    const waiting = await postWaiting(deps, target);
    if (waiting.length > 0) {
      await say(
        context,
        `Posted ${waiting.length} escalation(s) that were waiting: ${waiting.map((e) => e.id).join(', ')}.`,
      );
    }
  },

  routes: async (context, _argument, deps) => {
    const bound = new Map((await deps.store.listChannels()).map((b) => [b.target, b]));
    const lines = targets.map((target) => {
      const binding = bound.get(target);
      return binding
        ? `- **${targetLabels[target]}**: ${channelName(bindingChannel(binding))}`
        : `- **${targetLabels[target]}**: no channel yet (@mention me with “route ${target}” in its channel)`;
    });
    await say(context, ['Where escalations are posted:', ...lines].join('\n'));
  },

  unroute: async (context, argument, deps) => {
    const target = targetNamed(argument);
    if (!target) return say(context, `Which tier? Say **unroute** and one of: ${targets.join(', ')}.`);
    const binding = await deps.store.channelFor(target);
    const here = (channelOfActivity(context.activity) as TeamsChannel).channelId;
    if (!binding) return say(context, `No channel takes ${targetLabels[target]} escalations.`);
    if (bindingChannel(binding).channelId !== here) {
      return say(
        context,
        `${targetLabels[target]} escalations are posted in ${channelName(bindingChannel(binding))}, not here: say “unroute ${target}” there.`,
      );
    }
    await deps.store.unbindChannel(target);
    await say(
      context,
      `${targetLabels[target]} escalations are no longer posted here. New ones wait until a channel is bound with “route ${target}”.`,
    );
  },
};

const chatCommands: Record<string, Command> = {
  new: async (context) => {
    await context.sendActivity({ type: 'message', attachments: [attachment(formCard({ mode: 'chat' }))] });
  },

  mine: async (context, _argument, deps) => {
    const person = personOf(context.activity);
    const mine = await deps.store.listEscalations({ involving: person.id, limit: 20 });
    if (mine.length === 0)
      return say(context, 'You have raised or own no escalations yet. Say **new** to escalate a case.');
    const lines = mine.map(
      (e) =>
        `- **${e.id}** · ${severityLabels[e.brief.severity]} · ${targetLabels[e.brief.target]} · ${statusLabels[e.status]}: ${e.brief.summary}`,
    );
    await say(
      context,
      [`Your escalations (newest first${mine.length === 20 ? ', the latest 20' : ''}):`, ...lines].join('\n'),
    );
  },

  show: async (context, argument, deps) => {
    const id = argument.trim().toUpperCase();
    const escalation = await deps.store.getEscalation(id);
    if (!escalation) return say(context, `No escalation ${id || 'given'}: say **show ESC-12** with its number.`);
    // A copy outside the tier's channel: everyone's buttons, and each person's own on refresh.
    const card = await escalationCard(deps, escalation, { roles: new Set() });
    const sent = await context.sendActivity({ type: 'message', attachments: [attachment(card)] });
    if (sent?.id) {
      // This copy is kept current too.
      await deps.store.recordPostedCard({
        escalationId: escalation.id,
        conversationId: context.activity.conversation.id,
        activityId: sent.id,
        serviceUrl: context.activity.serviceUrl,
        postedAt: deps.clock.now().toISOString(),
      });
    }
  },

  help: async (context) => say(context, chatHelp),
};

/** Runs the command a message names; anything else gets the help of where it was said. */
export async function runCommand(context: TurnContext, deps: TeamsDeps): Promise<void> {
  const text = TurnContext.removeRecipientMention(context.activity)?.trim() ?? context.activity.text?.trim() ?? '';
  const [word = '', ...rest] = text
    .replace(/<[^>]+>/g, '')
    .trim()
    .split(/\s+/);
  const inChannel = channelOfActivity(context.activity) !== undefined;
  const commands = inChannel ? channelCommands : chatCommands;
  const command = commands[word.toLowerCase()];
  if (command) return command(context, rest.join(' '), deps);
  await say(context, `${word ? `I don’t know “${word}”. ` : ''}${inChannel ? channelHelp : chatHelp}`);
}

function targetNamed(argument: string): Target | undefined {
  const word = argument.trim().toLowerCase();
  return targets.find(
    (t) => t === word || targetLabels[t].toLowerCase() === word || (t === 'support' && word === 'l2'),
  );
}

async function say(context: TurnContext, text: string): Promise<void> {
  await context.sendActivity({ type: 'message', text, textFormat: 'markdown' });
}
