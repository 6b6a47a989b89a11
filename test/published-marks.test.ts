import { describe, expect, it } from 'vitest';
import type { PrismaClient } from '../src/db/index.js';
import { createPublishedMarks } from '../src/domain/events/outbox.js';

// The coalescing alone, over a stand-in for the one Prisma call it makes; the events' real
// publishedAt is checked by the flows' tests (connect-*, bus-outage, scale-out).
function recordingPrisma() {
  const writes: string[][] = [];
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const prisma = {
    connectionEvent: {
      updateMany: ({ where }: { where: { id: { in: string[] } } }) =>
        new Promise<{ count: number }>((resolve, reject) => {
          writes.push([...where.id.in]);
          pending.push({ resolve: () => resolve({ count: where.id.in.length }), reject });
        }),
    },
  } as unknown as PrismaClient;
  return { prisma, writes, pending };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('marking published events', () => {
  it('writes the ids that arrive during an update together, in the next one', async () => {
    const { prisma, writes, pending } = recordingPrisma();
    const marks = createPublishedMarks(prisma);
    const first = marks.mark(['e1']);
    await tick();
    expect(writes).toEqual([['e1']]);
    const later = Array.from({ length: 10 }, (_, i) => marks.mark([`e${i + 2}`]));
    await tick();
    expect(writes).toHaveLength(1);
    pending[0]!.resolve();
    await first;
    await tick();
    expect(writes).toEqual([['e1'], Array.from({ length: 10 }, (_, i) => `e${i + 2}`)]);
    pending[1]!.resolve();
    await Promise.all(later);
  });

  it('fails only the callers of a failed update; the next one goes ahead', async () => {
    const { prisma, writes, pending } = recordingPrisma();
    const marks = createPublishedMarks(prisma);
    const failing = marks.mark(['e1']);
    await tick();
    const next = marks.mark(['e2']);
    pending[0]!.reject(new Error('database unavailable'));
    await expect(failing).rejects.toThrow('database unavailable');
    await tick();
    expect(writes).toEqual([['e1'], ['e2']]);
    pending[1]!.resolve();
    await expect(next).resolves.toBeUndefined();
  });
});
