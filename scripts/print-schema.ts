import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { schema } from '../src/graphql/schema.js';

// Writes the committed `schema.graphql`; test/schema.test.ts fails when it is stale.
const target = new URL('../schema.graphql', import.meta.url);
writeFileSync(target, `${printSchema(schema)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
