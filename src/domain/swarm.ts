// Swarming on an escalation: its group chat's topic and people, the deep links that open the same
// chat or a meeting as a draft when Graph does not make them, and the timeline entry that says who
// opened or grew it. Who may be in it is the access policy's (domain/access.ts): callers ask it.
import type { Change } from './decide';
import { type Escalation, type Person, timelineKinds } from './escalation';

/** "ESC-12 · Invoices export as empty PDFs": the chat's topic and the meeting's subject. */
export function swarmTopic(escalation: Escalation): string {
  const topic = `${escalation.id} · ${escalation.brief.summary}`;
  return topic.length > 240 ? `${topic.slice(0, 239)}…` : topic;
}

/** The requester, the owner, the one swarming and the people picked: each once, by id. */
export function swarmPeople(escalation: Escalation, clicker: Person, picked: Person[]): Person[] {
  const people = new Map<string, Person>();
  for (const person of [escalation.requester, escalation.owner, clicker, ...picked]) {
    if (person?.id && !people.has(person.id)) people.set(person.id, person);
  }
  return [...people.values()];
}

/** The people with the UPNs a roster gives them (an escalation's requester and owner are kept without one). */
export function withUpns(people: Person[], roster: readonly Person[]): Person[] {
  const known = new Map(roster.map((p) => [p.id, p]));
  return people.map((p) => ({
    ...p,
    ...(p.email ? {} : known.get(p.id)?.email ? { email: known.get(p.id)?.email } : {}),
  }));
}

/** The deep links that open the escalation's chat and a meeting with its requester and owner, for anyone to press. */
export function swarmLinks(
  escalation: Escalation,
  roster: readonly Person[],
  cardLink: string,
): { chat: string; meeting: string } {
  const people = withUpns(swarmPeople(escalation, escalation.requester, []), roster);
  return { chat: swarmChatLink(escalation, people), meeting: meetNowLink(escalation, people, cardLink) };
}

/** Teams deep links take UPNs (email-shaped): people without one are left to add by hand. */
function upns(people: Person[]): string[] {
  return [...new Set(people.flatMap((p) => (p.email && /^[^\s@,]+@[^\s@,]+$/.test(p.email) ? [p.email] : [])))];
}

/** Opens the escalation's chat as a draft for whoever clicks (they are in it too); a topic needs 3 people or more. */
export function swarmChatLink(escalation: Escalation, people: Person[]): string {
  const users = upns(people);
  const topic = users.length >= 2 ? `&topicName=${encodeURIComponent(swarmTopic(escalation))}` : '';
  return `https://teams.microsoft.com/l/chat/0/0?users=${users.map(encodeURIComponent).join(',')}${topic}`;
}

/** A new Teams meeting with the same people, the topic as subject and the card's link in its body. */
export function meetNowLink(escalation: Escalation, people: Person[], cardLink: string): string {
  const query = [
    `subject=${encodeURIComponent(swarmTopic(escalation))}`,
    ...(upns(people).length > 0 ? [`attendees=${upns(people).map(encodeURIComponent).join(',')}`] : []),
    `content=${encodeURIComponent(`${escalation.id}: ${cardLink}`)}`,
  ];
  return `https://teams.microsoft.com/l/meeting/new?${query.join('&')}`;
}

/** The timeline's word for a swarm opened or grown: the next version, no other effect. */
export function swarmChange(escalation: Escalation, by: Person, added: Person[], opened: boolean, at: string): Change {
  const names = added.map((p) => p.name).join(', ');
  const text = opened ? `${by.name} opened a swarm chat with ${names}` : `${by.name} added ${names} to the swarm chat`;
  return {
    next: { ...escalation, version: escalation.version + 1, updatedAt: at },
    entry: { kind: timelineKinds.swarm, text },
    effects: [],
  };
}
