// How much people may write, field by field: the brief's caps (which keep a posted card far
// below Teams' ~100 KB message limit) and the caps of what a move on a card asks for. Plain
// numbers, read by the schemas (domain/brief.ts, domain/verbData.ts) and the board's inputs.

/** The brief's fields. */
export const caps = {
  summary: 120,
  shortText: 200,
  text: 500,
  longText: 1000,
  description: 2000,
  line: 300,
  reproSteps: 20,
  tried: 15,
  asks: 10,
  customerNames: 50,
  customerName: 80,
  customersAffected: 1_000_000,
  /** A ticket's link or number. */
  ticket: 500,
} as const;

/** What people type into a move on a card: a resolution, a reason, a note. */
export const moveCaps = { resolution: caps.longText, reason: caps.text, note: caps.longText } as const;
