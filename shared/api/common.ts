import { z } from 'zod';

/** A FieldIssue on the wire, e.g. the warnings returned with a successful save. */
export const FieldIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
