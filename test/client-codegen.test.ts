import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config from '../packages/client/codegen.js';

describe('the client package', () => {
  it('has typed operations generated from the current schema.graphql (npm run client:codegen)', async () => {
    const outputs = (await generate({ ...config, silent: true }, false)) as { filename: string; content: string }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(output.content).toContain('ConnectionStatusDocument');
      expect(readFileSync(output.filename, 'utf8'), `${output.filename} is stale: run npm run client:codegen`).toBe(output.content);
    }
  });
});
