// Sign-in errors in the Microsoft Entra ID form: an OAuth error code, an AADSTS
// description with trace and correlation ids, and the numeric codes.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http';

export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    message: string,
  ) {
    super(message);
    this.name = 'EntraError';
  }
}

export function sendEntraError(res: ServerResponse, e: EntraError, baseUrl: string): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const now = new Date();
  const stamp = now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  sendJson(res, e.status, {
    error: e.error,
    error_description: `AADSTS${e.aadsts}: ${e.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${stamp}`,
    error_codes: [e.aadsts],
    timestamp: stamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${baseUrl}/error?code=${e.aadsts}`,
  }, { 'Cache-Control': 'no-store' });
}
