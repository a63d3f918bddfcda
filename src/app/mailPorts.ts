// How an email leaves (src/mail: Microsoft Graph, or .eml files); the delivery worker sends through it.

/** An email as it leaves: the brief as HTML, its actionable card in the head. */
export interface OutgoingEmail {
  to: string[];
  subject: string;
  html: string;
  /** For the file name of a written email, and for logs. */
  escalationId: string;
}

/**
 * Sends emails (src/mail: Microsoft Graph, or .eml files). Throws on failure with `statusCode`
 * (and `retryAfterMs`) when the server answered, as the delivery worker reads them.
 */
export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
}
