import { readFileSync } from 'node:fs';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  printSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import * as prismaEnums from '../src/generated/prisma/enums.js';
import { schema } from '../src/graphql/schema.js';

describe('the GraphQL schema', () => {
  it('matches the committed schema.graphql (run `npm run schema:print` after changing it)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(`${printSchema(schema)}\n`).toBe(committed);
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
      if (!type.description?.trim()) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args) {
            if (!arg.description?.trim()) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) {
          if (!value.description?.trim()) missing.push(`${type.name}.${value.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('spells every enum it shares with the database exactly as the database does', () => {
    const mismatched: string[] = [];
    for (const [name, values] of Object.entries(prismaEnums)) {
      const type = schema.getType(name);
      if (!type) continue;
      const graphql = isEnumType(type) ? type.getValues().map((v) => v.value as string).sort() : [];
      const database = Object.values(values as Record<string, string>).sort();
      if (JSON.stringify(graphql) !== JSON.stringify(database)) mismatched.push(`${name}: ${graphql.join(',')} ≠ ${database.join(',')}`);
    }
    expect(mismatched).toEqual([]);
  });
});
