// When linking makes a group of the same issue reach 3 customers: flag every escalation of
// the group, once, and raise it to the tier that can fix it (domain/pattern.ts).
import { type Escalation, timelineKinds } from '../domain/escalation';
import { isPattern, patternEntryText, raisedTarget } from '../domain/pattern';

import { updatesOf } from './deliveries';
import type { EscalationDeps } from './escalations';
import type { ChannelStore, Delivery, EscalationStore } from './ports';
import { deskActor } from './watchClocks';

/** The escalations of a linked group, oldest first. */
export async function linkedEscalations(deps: EscalationDeps, escalationId: string): Promise<Escalation[]> {
  const ids = await deps.store.linkedGroup(escalationId);
  const found = await Promise.all(ids.map((id) => deps.store.getEscalation(id)));
  return found.filter((e): e is Escalation => e !== undefined);
}

export interface PatternDeps extends EscalationDeps {
  store: EscalationStore & Pick<ChannelStore, 'postedCards'>;
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
      const target = raisedTarget(current, group);
      const at = deps.clock.now().toISOString();
      const next: Escalation = {
        ...current,
        brief: target ? { ...current.brief, target } : current.brief,
        version: current.version + 1,
        updatedAt: at,
      };
      const deliveries: Delivery[] = updatesOf(await deps.store.postedCards(current.id));
      if (target) deliveries.push({ kind: 'post', escalationId: current.id });
      const saved = await deps.store.saveEscalation(
        next,
        current.version,
        { at, actor: deskActor, kind: timelineKinds.pattern, text: patternEntryText(group, current, target) },
        deliveries,
      );
      if (saved.saved) {
        flagged.push(current.id);
        break;
      }
    }
  }
  if (flagged.length > 0) deps.deliverSoon();
  return flagged;
}
