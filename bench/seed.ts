// Cards to click, posted the way each bot posts them. Ours: escalations raised over the API,
// posted by the bot in the channel bound to their tier. The bot keeps one channel a tier, so to
// spread cards over many channels the Engineering tier is bound to each channel in turn (its
// team's owner says "route engineering" there) while that channel's share is raised and posted;
// the cards already posted stay where they are, as they do when a team moves a tier. The bare bot
// posts one card thread per "post KEY" said in a channel.
import type { BotProcess } from '../tests/support/botProcess';
import { fullForm } from '../tests/support/briefs';
import type { FakeConnector } from '../tests/support/fakeConnector';
import {
  type ChannelRef,
  channelMessage,
  channels,
  personas,
  routeTier,
  send,
  team,
} from '../tests/support/teamsActivities';
import type { ClickTarget } from './load';

/** A channel of the test team beyond the fixtures: where spread cards go. */
export function benchChannel(n: number): ChannelRef & { name: string } {
  return { id: `19:cases-${n}@thread.tacv2`, name: `Cases ${n}`, teamId: team.id };
}

/** `count` channels for the spread; the fake's team lists them, as Teams lists a team's channels. */
export function spreadChannels(fake: FakeConnector, count: number): ChannelRef[] {
  const made = Array.from({ length: count }, (_, i) => benchChannel(i + 1));
  const ours = fake.teams.find((t) => t.id === team.id);
  for (const channel of made) {
    if (ours && !ours.channels.some((c) => c.id === channel.id)) ours.channels.push(channel);
  }
  return made;
}

/** Every card in one channel: the Engineering channel, bound to its tier. */
export async function seedOursInOneChannel(
  bot: BotProcess,
  fake: FakeConnector,
  cards: number,
): Promise<ClickTarget[]> {
  return seedOurs(bot, fake, [channels.engineering], cards);
}

/** `cards` escalations shared evenly by `where`, each channel's posted before the tier moves on. */
export async function seedOurs(
  bot: BotProcess,
  fake: FakeConnector,
  where: ChannelRef[],
  cards: number,
): Promise<ClickTarget[]> {
  const perChannel = sharePerChannel(cards, where.length);
  const targets: ClickTarget[] = [];
  for (const channel of where) {
    await routeTier(bot.url, fake.url, 'engineering', channel);
    const ids: string[] = [];
    for (let i = 0; i < perChannel; i++) ids.push(await raise(bot));
    // Posts in one channel are paced by the bot as Teams counts them: 64 take about 30 s.
    targets.push(...(await postedCards(fake, channel.id, ids, 120_000)));
  }
  return targets;
}

/** The bare bot's cards, in the same channels and the same numbers as ours. */
export async function seedBare(
  bot: BotProcess,
  fake: FakeConnector,
  where: ChannelRef[],
  cards: number,
): Promise<ClickTarget[]> {
  const perChannel = sharePerChannel(cards, where.length);
  const targets: ClickTarget[] = [];
  for (const [n, channel] of where.entries()) {
    const keys = Array.from({ length: perChannel }, (_, i) => `BARE-${n * perChannel + i + 1}`);
    for (const key of keys) {
      const answer = await send(bot.url, channelMessage({ serviceUrl: fake.url, channel, text: `post ${key}` }));
      if (answer.status !== 200) throw new Error(`the bare bot answered ${answer.status} to "post ${key}"`);
    }
    targets.push(...(await postedCards(fake, channel.id, keys, 10_000)));
  }
  return targets;
}

function sharePerChannel(cards: number, channelCount: number): number {
  if (cards % channelCount !== 0) throw new Error(`${cards} cards cannot be shared evenly by ${channelCount} channels`);
  return cards / channelCount;
}

/** One escalation raised over the API, as an integration raises it. */
async function raise(bot: BotProcess): Promise<string> {
  const response = await fetch(`${bot.url}/api/escalations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...fullForm, requester: { name: personas.agent.name } }),
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) throw new Error(`POST /api/escalations answered ${response.status}`);
  return body.id;
}

/** The channel thread each key was posted in, found by the activity's summary "KEY: ...". */
async function postedCards(
  fake: FakeConnector,
  channelId: string,
  keys: string[],
  timeoutMs: number,
): Promise<ClickTarget[]> {
  return fake.waitFor(() => {
    const byKey = new Map<string, { conversationId: string; activityId: string }>();
    for (const post of fake.posts(channelId)) {
      const key = /^(\S+):/.exec(post.activity?.summary ?? '')?.[1];
      if (post.kind === 'create' && key)
        byKey.set(key, { conversationId: post.conversationId, activityId: post.activityId });
    }
    if (!keys.every((key) => byKey.has(key))) return undefined;
    return keys.map((key) => ({
      key,
      card: byKey.get(key) as { conversationId: string; activityId: string },
      version: 1,
      status: 'new' as const,
    }));
  }, timeoutMs);
}

/** After a refused click: the card's real version and status, as our API tells them. */
export async function resyncOurs(bot: BotProcess, target: ClickTarget): Promise<void> {
  const response = await fetch(`${bot.url}/api/escalations/${target.key}`);
  const body = (await response.json()) as { version: number; status: ClickTarget['status'] };
  target.version = body.version;
  target.status = body.status;
}
