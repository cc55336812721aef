// Small HTTP helpers shared by the sign-in and API handlers.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The codes mde-api.md documents for the API's error body. */
export type ApiErrorCode =
  | 'BadRequest' | 'ODataError' | 'InvalidInput' | 'InvalidRequestBody' | 'InvalidHashValue' | 'InvalidDomainName'
  | 'InvalidIpAddress' | 'InvalidUrl' | 'MissingRequiredParameter' | 'Unauthorized' | 'Forbidden' | 'DisabledFeature'
  | 'DisallowedOperation' | 'NotFound' | 'ResourceNotFound' | 'TooManyRequests' | 'InternalServerError' | 'MethodNotAllowed';

/** An API failure that becomes `{"error":{"code","message","target"}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function apiErrorBody(code: string, message: string, target: string = randomUUID()): string {
  return JSON.stringify({ error: { code, message, target } });
}

const MAX_BODY = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new ApiError(400, 'InvalidRequestBody', 'The request body is larger than 1 MB');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

export function sendRaw(res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): void {
  const buf = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(buf.length), ...headers });
  res.end(buf);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  sendRaw(res, status, JSON.stringify(value), 'application/json; charset=utf-8', headers);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
