import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { InputIssue } from '../domain/errors.js';
import { invalidInput, unstorableTextIssues } from '../domain/validation.js';

// yoga parses a document once and hands the same object to every request sending it.
const literalIssuesOf = new WeakMap<DocumentNode, InputIssue[]>();

/** Issues of the strings written inline in the document, by argument path (`input.name`). */
function literalIssues(document: DocumentNode): InputIssue[] {
  const known = literalIssuesOf.get(document);
  if (known) return known;
  const issues: InputIssue[] = [];
  const walk = (node: ValueNode, path: (string | number)[]) => {
    if (node.kind === Kind.STRING) issues.push(...unstorableTextIssues(node.value, path));
    else if (node.kind === Kind.LIST) node.values.forEach((item, i) => walk(item, [...path, i]));
    else if (node.kind === Kind.OBJECT) for (const field of node.fields) walk(field.value, [...path, field.name.value]);
  };
  visit(document, { Argument: (node) => walk(node.value, [node.name.value]) });
  literalIssuesOf.set(document, issues);
  return issues;
}

/**
 * Refuses, before anything runs, an operation passing a string no PostgreSQL column can hold
 * (one with a NUL character): a client's mistake, answered BAD_USER_INPUT with the path of each
 * such string, where the database would fail the statement half-way as an internal error.
 * Variables are reported by name (`input.name` for `$input`), inline arguments by argument.
 */
export function useStorableText(): Plugin {
  const check = ({ args, setResultAndStopExecution }: {
    args: { document: DocumentNode; variableValues?: Readonly<Record<string, unknown>> | null };
    setResultAndStopExecution(result: { errors: GraphQLError[] }): void;
  }) => {
    const issues = [...unstorableTextIssues(args.variableValues ?? {}, []), ...literalIssues(args.document)];
    if (issues.length === 0) return;
    const error = invalidInput(issues);
    setResultAndStopExecution({
      errors: [new GraphQLError(error.message, { extensions: { code: error.code, issues: error.issues } })],
    });
  };
  return { onExecute: check, onSubscribe: check };
}
