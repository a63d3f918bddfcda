// When linking makes a group of the same issue reach 3 customers: flag every escalation of
// the group, once, and raise it to the tier that can fix it (domain/pattern.ts, domain/decide.ts).
import type { AccessPolicy } from '../domain/access';
import { flagAsPattern } from '../domain/decide';
import { type Escalation, timelineKinds } from '../domain/escalation';
import { isPattern } from '../domain/pattern';
import { saveChange } from './changes';
import type { EscalationDeps } from './escalations';
import type { ChannelStore, EscalationStore } from './ports';
import { deskActor } from './watchClocks';

/** The escalations of a linked group, oldest first. */
export async function linkedEscalations(deps: EscalationDeps, escalationId: string): Promise<Escalation[]> {
  const ids = await deps.store.linkedGroup(escalationId);
  const found = await Promise.all(ids.map((id) => deps.store.getEscalation(id)));
  return found.filter((e): e is Escalation => e !== undefined);
}

export interface PatternDeps extends EscalationDeps {
  store: EscalationStore & Pick<ChannelStore, 'postedCards'>;
  access: AccessPolicy;
  deliverSoon: () => void;
}

/** Flags the group of `escalationId` if it is a pattern; returns the ids flagged now. */
export async function flagPattern(deps: PatternDeps, escalationId: string): Promise<string[]> {
  const group = await linkedEscalations(deps, escalationId);
  if (!isPattern(group)) return [];
  const flagged: string[] = [];
  for (const member of group) {
    // A change by someone else meanwhile: read it again and try once more.
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await deps.store.getEscalation(member.id);
      if (!current) break;
      const timeline = await deps.store.timeline(current.id);
      if (timeline.some((e) => e.kind === timelineKinds.pattern)) break;
      const at = deps.clock.now().toISOString();
      const change = flagAsPattern(current, group, at, deps.access);
      if ((await saveChange(deps.store, current, change, { at, actor: deskActor })).saved) {
        flagged.push(current.id);
        break;
      }
    }
  }
  if (flagged.length > 0) deps.deliverSoon();
  return flagged;
}
