/** A query the emulator cannot run; the API answers it with a 400 and this message. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly code: 'BadRequest' | 'InvalidInput' = 'BadRequest',
  ) {
    super(message);
    this.name = 'QueryError';
  }
}
