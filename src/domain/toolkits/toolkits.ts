import { z } from 'zod';
import {
  apiAuthSchema,
  credentialFieldSchema,
  credentialPlaceholders,
  urlPlaceholderPattern,
  urlPlaceholders,
  type AuthScheme,
} from '../../catalog/index.js';
import type { PrismaClient } from '../../db/index.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { requireApiKey, type Caller } from '../access/caller.js';
import { visibleToolkitsWhere } from '../access/visibility.js';
import type { CoreDeps } from '../deps.js';
import { DomainError } from '../errors.js';
import { assertPublicUrls, parseInput, secureUrlSchema } from '../validation.js';

/**
 * One toolkit by slug; the project's own toolkit wins over a catalog one of the same slug. Read
 * through the cache: creating a custom toolkit announces the change for its project, and a
 * catalog sync for every project.
 */
export function findVisibleToolkit({ prisma, readCache }: Pick<CoreDeps, 'prisma' | 'readCache'>, projectId: string, slug: string) {
  return readCache.get(
    `toolkit:${projectId}:${slug}`,
    () =>
      prisma.toolkit.findFirst({
        where: { slug, ...visibleToolkitsWhere(projectId) },
        orderBy: { projectId: { sort: 'asc', nulls: 'last' } },
      }),
  );
}

export interface ToolkitFilter {
  search?: string | null | undefined;
  authScheme?: AuthScheme | null | undefined;
}

/** Filter for the `toolkits` query: case-insensitive search on slug and name, one scheme. */
export function toolkitListWhere(projectId: string, filter: ToolkitFilter): Prisma.ToolkitWhereInput {
  const and: Prisma.ToolkitWhereInput[] = [visibleToolkitsWhere(projectId)];
  const search = filter.search?.trim();
  if (search) {
    and.push({
      OR: [
        { slug: { contains: search, mode: 'insensitive' } },
        { name: { contains: search, mode: 'insensitive' } },
      ],
    });
  }
  if (filter.authScheme) and.push({ authSchemes: { has: filter.authScheme } });
  return { AND: and };
}

/** Catalog order: by slug, ties (a custom toolkit never shares a catalog slug) by id. */
export const toolkitOrder: Prisma.ToolkitOrderByWithRelationInput[] = [{ slug: 'asc' }, { id: 'asc' }];

const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, {
    error: 'must be 2-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit',
  });

const endpointUrl = secureUrlSchema;

/** An endpoint URL that may name the toolkit's fields as `[field]`, filled per auth config or per connection. */
const endpointTemplate = z
  .string()
  .max(2000)
  .superRefine((value, ctx) => {
    // Spelled the one way every URL parser (grant's legacy one too) reads alike.
    if (!/^https?:\/\/[^\s\\]+$/.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must start with https:// and hold no spaces or backslashes' });
      return;
    }
    const checked = secureUrlSchema.safeParse(value.replace(urlPlaceholderPattern, 'placeholder'));
    for (const issue of checked.error?.issues ?? []) ctx.addIssue({ code: 'custom', message: issue.message });
  });

/** Name/value pairs (GraphQL's NameValueInput) as the record the catalog's apiAuth schema reads. */
const pairsAsRecord = z
  .array(z.object({ name: z.string(), value: z.string() }))
  .max(20)
  .transform((pairs) => Object.fromEntries(pairs.map((pair) => [pair.name, pair.value])));

/** How a custom toolkit's credentials go on API requests: the catalog's apiAuth shape, given as pairs. */
const apiAuthInputSchema = z
  .object({
    headers: pairsAsRecord.nullish().transform((value) => value ?? undefined),
    query: pairsAsRecord.nullish().transform((value) => value ?? undefined),
    basic: z.object({ username: z.string(), password: z.string() }).nullish().transform((value) => value ?? undefined),
  })
  .transform((value) => JSON.parse(JSON.stringify(value)) as unknown)
  .pipe(apiAuthSchema);

const customSchemes = ['OAUTH2', 'API_KEY', 'BEARER_TOKEN', 'BASIC'] as const satisfies readonly AuthScheme[];

function withoutNulls(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null));
}

/** What a project may define as its own toolkit: an OAuth 2 app or a credentials form. */
export const createToolkitInputSchema = z
  .object({
    slug: slugSchema,
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(2000).nullish(),
    logoUrl: endpointUrl.nullish(),
    categories: z.array(z.string().trim().min(1).max(50)).max(20).nullish(),
    apiBaseUrl: endpointUrl.nullish(),
    apiAuth: apiAuthInputSchema.nullish(),
    authScheme: z.enum(customSchemes, {
      error: `must be one of ${customSchemes.join(', ')} for a custom toolkit`,
    }),
    oauth2: z
      .object({
        authorizeUrl: endpointTemplate,
        tokenUrl: endpointTemplate,
        revokeUrl: endpointTemplate.nullish(),
        userInfoUrl: endpointTemplate.nullish(),
        scopes: z.array(z.string().trim().min(1)).nullish(),
        scopeDelimiter: z.string().min(1).max(3).nullish(),
        pkce: z.boolean().nullish(),
        tokenAuthMethod: z.enum(['CLIENT_SECRET_POST', 'CLIENT_SECRET_BASIC']).nullish(),
      })
      .nullish(),
    // GraphQL clients may send explicit nulls for optional field properties.
    fields: z.array(z.preprocess(withoutNulls, credentialFieldSchema)).max(20).nullish(),
  })
  .superRefine((input, ctx) => {
    if (input.authScheme === 'OAUTH2' && !input.oauth2) {
      ctx.addIssue({ code: 'custom', path: ['oauth2'], message: 'is required for OAUTH2' });
    }
    if (input.authScheme !== 'OAUTH2' && input.oauth2) {
      ctx.addIssue({ code: 'custom', path: ['oauth2'], message: 'is only allowed for OAUTH2' });
    }
    const fields = input.fields ?? [];
    if (input.authScheme !== 'OAUTH2' && fields.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['fields'], message: `needs at least one field for ${input.authScheme}` });
    }
    const names = fields.map((f) => f.name);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) {
      ctx.addIssue({ code: 'custom', path: ['fields'], message: `has the field name "${duplicate}" twice` });
    }
    if (input.apiAuth) {
      // Templates name the credentials the account holds: its fields, or OAuth's token and client id.
      const known = new Set([...names, ...(input.authScheme === 'OAUTH2' ? ['accessToken', 'clientId'] : [])]);
      const used = JSON.stringify(input.apiAuth).match(/\{[a-z][a-zA-Z0-9_]{0,63}\}/g) ?? [];
      for (const name of new Set(used.flatMap(credentialPlaceholders))) {
        if (!known.has(name)) ctx.addIssue({ code: 'custom', path: ['apiAuth'], message: `{${name}} names no credential of this toolkit` });
      }
    }
    for (const key of ['authorizeUrl', 'tokenUrl', 'revokeUrl', 'userInfoUrl'] as const) {
      for (const name of urlPlaceholders(input.oauth2?.[key] ?? '')) {
        const field = fields.find((f) => f.name === name);
        if (!field) {
          ctx.addIssue({ code: 'custom', path: ['oauth2', key], message: `names [${name}], which is not one of the fields` });
        } else if (field.secret) {
          ctx.addIssue({ code: 'custom', path: ['fields'], message: `"${name}" is part of a URL, so it cannot be secret` });
        }
      }
    }
  });

/** Adds a project's custom toolkit after validating it; a slug in use is a CONFLICT. */
export async function createToolkit(deps: CoreDeps, caller: Caller, raw: unknown) {
  requireApiKey(caller, 'createToolkit');
  const { prisma } = deps;
  const { projectId } = caller;
  const input = parseInput(createToolkitInputSchema, raw, 'toolkit');
  // The server calls these (the authorize URL only browsers visit, but it names the same provider).
  assertPublicUrls(deps.egress.policy, [
    ['apiBaseUrl', input.apiBaseUrl],
    ['oauth2.authorizeUrl', input.oauth2?.authorizeUrl],
    ['oauth2.tokenUrl', input.oauth2?.tokenUrl],
    ['oauth2.revokeUrl', input.oauth2?.revokeUrl],
    ['oauth2.userInfoUrl', input.oauth2?.userInfoUrl],
  ]);
  const clash = await prisma.toolkit.findFirst({
    where: { slug: input.slug, ...visibleToolkitsWhere(projectId) },
    select: { projectId: true },
  });
  if (clash) {
    const owner = clash.projectId ? 'a toolkit of this project' : 'a catalog toolkit';
    throw new DomainError('CONFLICT', `The slug "${input.slug}" is already used by ${owner}.`);
  }
  const oauth = input.oauth2;
  try {
    const toolkit = await prisma.toolkit.create({
      data: {
        projectId,
        slug: input.slug,
        name: input.name,
        description: input.description ?? null,
        logoUrl: input.logoUrl ?? null,
        categories: input.categories ?? [],
        apiBaseUrl: input.apiBaseUrl ?? null,
        apiAuth: (input.apiAuth ?? undefined) as Prisma.InputJsonValue | undefined,
        authSchemes: [input.authScheme],
        oauthVersion: oauth ? 2 : null,
        authorizeUrl: oauth?.authorizeUrl ?? null,
        tokenUrl: oauth?.tokenUrl ?? null,
        revokeUrl: oauth?.revokeUrl ?? null,
        userInfoUrl: oauth?.userInfoUrl ?? null,
        defaultScopes: oauth?.scopes ?? [],
        scopeDelimiter: oauth?.scopeDelimiter ?? ' ',
        pkce: oauth?.pkce ?? true,
        tokenAuthMethod: oauth?.tokenAuthMethod ?? 'CLIENT_SECRET_POST',
        fields: (input.fields ?? []) as Prisma.InputJsonValue,
      },
    });
    // It now wins over a catalog toolkit of the same slug, which instances may hold.
    await deps.readCache.changed();
    return toolkit;
  } catch (error) {
    // Two concurrent creations of one slug: the unique index decides.
    if ((error as { code?: string }).code === 'P2002') {
      throw new DomainError('CONFLICT', `The slug "${input.slug}" is already used by a toolkit of this project.`);
    }
    throw error;
  }
}
