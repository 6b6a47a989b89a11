import { updateProject } from '../domain/access/projects.js';
import { builder } from './builder.js';
import { projectIdOf } from './context.js';

export const ProjectRef = builder.prismaObject('Project', {
  description: 'The tenant the API key belongs to: branding of its hosted pages and link policy.',
  authScopes: { project: true },
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Project id.' }),
    name: t.exposeString('name', { description: 'Shown on the hosted pages.' }),
    logoUrl: t.exposeString('logoUrl', { nullable: true, description: 'Logo on the hosted pages.' }),
    accentColor: t.exposeString('accentColor', { nullable: true, description: 'Accent colour of the hosted pages.' }),
    allowedCallbackOrigins: t.exposeStringList('allowedCallbackOrigins', {
      description: 'Origins an authorize callbackUrl may point at.',
    }),
    connectLinkTtlSeconds: t.exposeInt('connectLinkTtlSeconds', { description: 'Lifetime of new Connect Links.' }),
  }),
});

builder.queryField('project', (t) =>
  t.prismaField({
    type: 'Project',
    authScopes: { project: true },
    description: "The caller's project.",
    resolve: (query, _root, _args, ctx) =>
      ctx.prisma.project.findUniqueOrThrow({ ...query, where: { id: projectIdOf(ctx) } }),
  }),
);

builder.relayMutationField(
  'updateProject',
  {
    description: 'Input of updateProject; omitted fields stay as they are.',
    inputFields: (t) => ({
      name: t.string({ description: 'Display name.' }),
      logoUrl: t.string({ description: 'https logo URL (null removes it).' }),
      accentColor: t.string({ description: 'Hex colour, e.g. #4f46e5 (null removes it).' }),
      allowedCallbackOrigins: t.stringList({ description: 'Replaces the callback origin allow-list.' }),
      connectLinkTtlSeconds: t.int({ description: 'Lifetime of new Connect Links, 60 s to 7 days.' }),
    }),
  },
  {
    description: "Changes the caller's project.",
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => ({ project: await updateProject(ctx.deps, ctx.principal, input) }),
  },
  {
    description: 'Result of updateProject.',
    outputFields: (t) => ({
      project: t.field({ type: ProjectRef, description: 'The project.', resolve: (p) => p.project }),
    }),
  },
);
