// Every verb a card (Teams, Outlook) or the board sends: its name, what people call it and the
// inputs its data carries. The one table of verbs: the handlers (src/teams/cardActions.ts,
// src/teams/messagingExtension.ts, src/http/boardRoutes.ts) and the board (src/tab) import it,
// how each verb's data is read is domain/verbData.ts (keyed by this table), and a test checks
// every verb in cards/*.json against it. Plain data: the board bundles it as it is.

/** The escalation form's inputs (cards/escalation-form.json), as the contract names them. */
export const formInputs = [
  'signals',
  'summary',
  'severity',
  'target',
  'customersAffected',
  'customerNames',
  'workflowImpact',
  'revenueAtRisk',
  'slaStatus',
  'description',
  'reproSteps',
  'expected',
  'actual',
  'environment',
  'tried',
  'lastUpdateDate',
  'lastUpdateSummary',
  'customerExpectation',
  'escalationRisk',
  'asks',
  'deadlineDate',
  'deadlineTime',
  /** A help-desk ticket's link or number (domain/tickets.ts reads it). */
  'ticket',
] as const;
export type FormInput = (typeof formInputs)[number];

export interface Verb {
  name: string;
  /** What people call it: the board's buttons and forms, and messages naming verbs. */
  label: string;
  /** The input ids its data carries from its card, besides escalationId and version. */
  inputs: readonly string[];
  /** Offered on the board too. */
  onBoard?: boolean;
}

export const verbs = {
  submit: { name: 'escalation.submit', label: 'Escalate', inputs: formInputs },
  evaluate: { name: 'triage.evaluate', label: 'Check the recommendation', inputs: formInputs },
  done: { name: 'dialog.done', label: 'Done', inputs: [] },
  refresh: { name: 'escalation.refresh', label: 'Refresh', inputs: [] },
  setStatus: {
    name: 'escalation.setStatus',
    label: 'Change status',
    inputs: ['status', 'resolution', 'reason'],
    onBoard: true,
  },
  assign: { name: 'escalation.assign', label: 'Assign', inputs: ['assignee'], onBoard: true },
  logCustomerUpdate: {
    name: 'escalation.logCustomerUpdate',
    label: 'Log a customer update',
    inputs: ['lastUpdateSummary', 'customerExpectation', 'escalationRisk'],
    onBoard: true,
  },
  addNote: { name: 'escalation.addNote', label: 'Add a note', inputs: ['note'], onBoard: true },
  retarget: { name: 'escalation.retarget', label: 'Move to another tier', inputs: ['target', 'reason'] },
  link: { name: 'escalation.link', label: 'Link as the same issue', inputs: ['otherId'] },
  email: { name: 'escalation.email', label: 'Email the brief', inputs: ['addresses'] },
  fillFromTicket: { name: 'ticket.fill', label: 'Fill from ticket', inputs: formInputs },
  swarm: { name: 'escalation.swarm', label: 'Swarm', inputs: ['people'] },
  follow: { name: 'escalation.follow', label: 'Follow', inputs: [] },
  unfollow: { name: 'escalation.unfollow', label: 'Unfollow', inputs: [] },
} as const satisfies Record<string, Verb>;

export type VerbKey = keyof typeof verbs;

/** Verbs by name (a Map: a verb is client text, never an object key). */
export const verbNamed = new Map<string, Verb>(Object.values(verbs).map((verb) => [verb.name, verb]));

/** What the board may send. */
export const boardVerbs: readonly string[] = Object.values(verbs as Record<string, Verb>)
  .filter((verb) => verb.onBoard === true)
  .map((verb) => verb.name);
