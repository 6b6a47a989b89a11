import type { z } from 'zod';
import { DomainError, type InputIssue } from './errors.js';

/** Parses input with a zod schema, turning failures into one BAD_USER_INPUT with every issue. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what = 'input',
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues: InputIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new DomainError('BAD_USER_INPUT', `Invalid ${what}: ${summary}`, issues);
}
