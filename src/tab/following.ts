// Following an escalation from the board (app/following.ts): how many follow it, and the reader's
// own standing: Follow or Unfollow when they follow by asking, a sentence when they follow it by
// being its requester or owner. Following changes who hears of it, never the escalation itself.
import { followingSaid } from '../app/following';
import { verbs } from '../domain/verbs';
import type { Detail } from './api';
import { h } from './dom';

/** Starts (true) or stops (false) following; the detail shows what came of it. */
export type Follow = (follows: boolean) => Promise<void>;

export function followingView(following: Detail['following'], follow: Follow): HTMLElement {
  const { count, you } = following;
  const said = followingSaid(count, you ?? undefined);
  const button = (id: string, label: string, follows: boolean) =>
    h('fluent-button', { id, appearance: 'outline', onclick: () => void follow(follows) }, label);
  return h(
    'section',
    { class: 'following', 'aria-label': 'Following' },
    h('span', { id: 'follower-count' }, said.many),
    you === 'requester' || you === 'owner' ? h('span', { class: 'muted' }, `You follow it as its ${you}.`) : null,
    said.canFollow ? button('follow', verbs.follow.label, true) : null,
    said.canUnfollow ? button('unfollow', verbs.unfollow.label, false) : null,
  );
}
