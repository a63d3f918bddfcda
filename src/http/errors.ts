// One JSON shape for every error the API gives: {error, message, problems?}.
import type { Response } from 'restify';
import type { FieldProblem } from '../domain/brief';

export interface ApiError extends Error {
  statusCode?: number;
  toJSON?: () => unknown;
}

const codes: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  500: 'internal_error',
  503: 'unavailable',
};

export function errorCode(status: number): string {
  return codes[status] ?? (status >= 500 ? 'internal_error' : 'invalid_request');
}

export function sendError(res: Response, status: number, message: string, problems?: FieldProblem[]): void {
  res.send(status, { error: errorCode(status), message, ...(problems ? { problems } : {}) });
}

/** 400 naming every bad field; the message lists them so a log line alone says what to fix. */
export function sendProblems(res: Response, problems: FieldProblem[]): void {
  const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  sendError(res, 400, `Please fix: ${summary}`, problems);
}
