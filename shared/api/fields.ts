import type { z } from 'zod';
import type { FieldIssue } from './errors';

/** Zod issues as FieldIssues: dotted paths, the message (an i18n key for our refinements) and its parameters. */
export function zodIssuesToFields(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((issue) => {
    const field: FieldIssue = { path: issue.path.map(String).join('.'), message: issue.message };
    // Our refinements carry message parameters (expected birth date, ranges) for the renderer's i18n.
    const params = 'params' in issue ? (issue.params as Record<string, unknown> | undefined) : undefined;
    const clean = Object.entries(params ?? {}).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number');
    if (clean.length > 0) field.params = Object.fromEntries(clean);
    return field;
  });
}
