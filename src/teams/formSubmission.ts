// What happens when the escalation form is sent, from a dialog or a chat card:
// "Recommend" re-renders it with the triage; "Fill from ticket" re-renders it filled from the
// help-desk ticket; "Escalate" validates, escalates, confirms.
import { createHash } from 'node:crypto';
import { sightFor, viewerOf } from '../app/access';
import { briefLink } from '../app/briefLinks';
import { escalate, ticketTakenProblem } from '../app/escalate';
import { fillFromTicket } from '../app/fillFromTicket';
import type { PersonalChatReach } from '../app/followPorts';
import { similarOpenEscalations } from '../app/similar';
import { parseBrief } from '../domain/brief';
import type { Person } from '../domain/escalation';
import { triage, triageRequestSchema } from '../domain/triage';
import { bindingChannel } from './bindings';
import { confirmationCard } from './cards/confirmationCard';
import { formCard } from './cards/formCard';
import type { AdaptiveCard } from './cards/render';
import type { TeamsDeps } from './deps';
import { channelPostUrl, shortChannelName, unknownPersonText } from './people';

type Mode = 'dialog' | 'chat';
export type FormValues = Record<string, unknown>;

/**
 * The form again, with the recommended target and severity filled in, the reasons shown,
 * and the open escalations that look like the same issue (those `person` may see).
 */
export async function recommend(
  values: FormValues,
  mode: Mode,
  deps: TeamsDeps,
  person: Person,
): Promise<AdaptiveCard> {
  const request = triageRequestSchema.safeParse({
    signals: values.signals,
    customersAffected: values.customersAffected,
  });
  if (!request.success) {
    return formCard({
      mode,
      values,
      problems: [{ field: 'signals', message: request.error.issues[0]?.message ?? '' }],
    });
  }
  const result = triage(request.data);
  const filled = result.escalate ? { ...values, target: result.target, severity: result.severity } : values;
  const { viewer } = await viewerOf(deps, person);
  const draft = {
    summary: text(values.summary),
    description: text(values.description),
    environment: text(values.environment),
    actual: text(values.actual),
    expected: text(values.expected),
  };
  const similar = await similarOpenEscalations(deps.store, draft, sightFor(deps, viewer));
  return formCard({ mode, values: filled, recommendation: result, similar });
}

/** The form again, filled from the ticket its Ticket field names (app/fillFromTicket.ts), or saying why not. */
export async function fill(values: FormValues, mode: Mode, deps: TeamsDeps): Promise<AdaptiveCard> {
  return formCard({ mode, ...(await fillFromTicket(values, deps)) });
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * The confirmation when the brief is escalated; else the form with each problem by its field.
 * `timeZone`: the sender's (Teams' localTimezone), in which the form's deadline is read; `reach`:
 * where the bot can open the sender's own chat with it, for their live copy of the card.
 */
export async function submit(
  values: FormValues,
  person: Person,
  mode: Mode,
  deps: TeamsDeps,
  timeZone?: string,
  reach?: PersonalChatReach,
): Promise<AdaptiveCard> {
  // An escalation nobody raised could be followed by nobody: Teams must say who it is.
  if (!person.id) return formCard({ mode, values, notice: unknownPersonText });
  const parsed = parseBrief(values, { timeZone, desks: deps.desks });
  if (!parsed.ok) return formCard({ mode, values, problems: parsed.problems });
  // The same brief from the same person is one escalation, however often Teams delivers it.
  const requestKey = `teams:${person.id}:${createHash('sha256').update(JSON.stringify(parsed.value)).digest('hex')}`;
  const { escalation, created, posted, binding, ticketTaken } = await escalate(
    deps,
    parsed.value,
    person,
    { key: requestKey },
    { personalCopy: reach },
  );
  if (ticketTaken) return formCard({ mode, values, problems: [await ticketTakenProblem(deps, person, escalation)] });
  const channel = binding && bindingChannel(binding);
  return confirmationCard({
    escalation,
    inDialog: mode === 'dialog',
    existing: !created,
    personalCopy: reach !== undefined && person.teamsId !== undefined,
    channelBound: binding !== undefined,
    postUrl: posted && channel ? channelPostUrl(channel, posted.activityId) : undefined,
    channelName: channel && shortChannelName(channel),
    teamName: channel?.teamName,
    briefUrl: briefLink(
      deps.publicUrl,
      deps.linkSecret,
      escalation.id,
      { id: person.id, admin: false, memberOf: new Set() },
      deps.clock.now(),
    ),
  });
}
