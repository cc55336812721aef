import type { z } from 'zod';

/** One request channel: what the renderer sends and what main answers. */
export interface RequestSpec {
  request: z.ZodType;
  response: z.ZodType;
}
