import { publicId } from '../domain/public-ids.js';
import { retryWebhookDelivery } from '../domain/events/webhook-delivery.js';
import { CONNECTION_EVENT_TYPES } from '../domain/events/event-types.js';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from '../domain/events/webhooks.js';
import { builder } from './builder.js';
import { projectIdOf } from './context.js';

const EVENT_TYPES_DOC = `One of ${CONNECTION_EVENT_TYPES.join(', ')}.`;

const WebhookDeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  description: 'Where the delivery of one event to one endpoint stands.',
  values: {
    PENDING: { description: 'Not delivered yet: the first attempt or a retry is due at `nextAttemptAt`.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every attempt failed (or the endpoint answered 410 Gone); `retryWebhookDelivery` sends it again.' },
  },
});

export const WebhookDeliveryRef = builder.prismaNode('WebhookDelivery', {
  description: 'One ConnectionEvent owed to one webhook endpoint, with its attempts so far.',
  id: { field: 'id' },
  nullable: true,
  authScopes: { project: true },
  findUnique: (id, ctx) => ({ id, endpoint: { projectId: projectIdOf(ctx) } }),
  fields: (t) => ({
    eventId: t.exposeString('eventId', { description: 'The event delivered: the `webhook-id` header and `data.id` of the payload.' }),
    eventType: t.exposeString('eventType', { description: `The event's type. ${EVENT_TYPES_DOC}` }),
    status: t.expose('status', { type: WebhookDeliveryStatusEnum, description: 'Delivered, pending or failed.' }),
    attempts: t.exposeInt('attempts', { description: 'Attempts started so far.' }),
    nextAttemptAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the next attempt is due (while PENDING); null otherwise.',
      resolve: (d) => (d.status === 'PENDING' ? d.nextAttemptAt : null),
    }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true, description: 'When the last attempt started.' }),
    lastStatusCode: t.exposeInt('lastStatusCode', {
      nullable: true,
      description: "HTTP status of the last answer; null when there was none (network error, timeout).",
    }),
    lastError: t.exposeString('lastError', {
      nullable: true,
      description: 'Why the last attempt failed, e.g. `HTTP 503`, `ECONNREFUSED`, `timed out after 10000 ms`.',
    }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true, description: 'When the endpoint accepted it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the event was recorded for this endpoint.' }),
    endpoint: t.relation('endpoint', { description: 'The endpoint it is delivered to.' }),
  }),
});

export const WebhookEndpointRef = builder.prismaNode('WebhookEndpoint', {
  description:
    "A URL that receives the project's ConnectionEvents as Standard Webhooks (signed POSTs, retried with backoff). The signing secret is shown only by createWebhookEndpoint and rotateWebhookSecret.",
  id: { field: 'id' },
  nullable: true,
  authScopes: { project: true },
  findUnique: (id, ctx) => ({ id, projectId: projectIdOf(ctx) }),
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Where events are POSTed (https; http only on loopback).' }),
    description: t.exposeString('description', { nullable: true, description: 'What the endpoint is for.' }),
    eventTypes: t.exposeStringList('eventTypes', { description: `Event types delivered; empty means all. ${EVENT_TYPES_DOC}` }),
    enabled: t.exposeBoolean('enabled', { description: 'Disabled endpoints get no new events; their pending deliveries wait.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the endpoint was created.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', description: 'When the endpoint last changed.' }),
    deliveries: t.relatedConnection(
      'deliveries',
      {
        cursor: 'id',
        description: 'Deliveries to this endpoint, newest first.',
        args: { status: t.arg({ type: WebhookDeliveryStatusEnum, required: false, description: 'Only deliveries in this status.' }) },
        query: (args) => ({
          where: args.status ? { status: args.status } : {},
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
      },
      { name: 'WebhookDeliveryConnection', description: 'A page of webhook deliveries.' },
      { name: 'WebhookDeliveryEdge', description: 'A webhook delivery in a page.' },
    ),
  }),
});

builder.queryField('webhookEndpoints', (t) =>
  t.prismaConnection(
    {
      type: 'WebhookEndpoint',
      cursor: 'id',
      authScopes: { project: true },
      description: "This project's webhook endpoints, newest first.",
      resolve: (query, _parent, _args, ctx) =>
        ctx.prisma.webhookEndpoint.findMany({
          ...query,
          where: { projectId: projectIdOf(ctx) },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
    },
    { name: 'WebhookEndpointConnection', description: 'A page of webhook endpoints.' },
    { name: 'WebhookEndpointEdge', description: 'A webhook endpoint in a page.' },
  ),
);

builder.relayMutationField(
  'createWebhookEndpoint',
  {
    description: 'Input of createWebhookEndpoint.',
    inputFields: (t) => ({
      url: t.string({ required: true, description: 'Where to POST events: https, or http on localhost/127.0.0.0/8.' }),
      description: t.string({ description: 'What the endpoint is for.' }),
      eventTypes: t.stringList({ description: `Event types to deliver; omitted or empty: all. ${EVENT_TYPES_DOC}` }),
    }),
  },
  {
    description: 'Registers a webhook endpoint for this project; returns its signing secret once.',
    authScopes: { project: true },
    resolve: (_root, { input }, ctx) => createWebhookEndpoint(ctx.deps, ctx.principal, input),
  },
  {
    description: 'Result of createWebhookEndpoint. Store the secret now: it is not shown again.',
    outputFields: (t) => ({
      webhookEndpoint: t.field({ type: WebhookEndpointRef, description: 'The endpoint.', resolve: (p) => p.endpoint }),
      secret: t.exposeString('secret', {
        description: 'The signing secret (`whsec_…`, Standard Webhooks) to verify `webhook-signature` with.',
      }),
    }),
  },
);

builder.relayMutationField(
  'updateWebhookEndpoint',
  {
    description: 'Input of updateWebhookEndpoint; omitted fields stay as they are.',
    inputFields: (t) => ({
      id: t.globalID({ required: true, for: WebhookEndpointRef, description: 'The endpoint.' }),
      url: t.string({ description: 'New URL; pending deliveries go there too.' }),
      description: t.string({ description: 'New description; an empty string clears it.' }),
      eventTypes: t.stringList({ description: `New event types; empty: all. ${EVENT_TYPES_DOC}` }),
      enabled: t.boolean({ description: 'Enable or disable.' }),
    }),
  },
  {
    description: 'Changes a webhook endpoint: URL, description, event types, enabled.',
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => ({
      webhookEndpoint: await updateWebhookEndpoint(ctx.deps, ctx.principal, { ...input, id: input.id.id }),
    }),
  },
  {
    description: 'Result of updateWebhookEndpoint.',
    outputFields: (t) => ({
      webhookEndpoint: t.field({ type: WebhookEndpointRef, description: 'The endpoint.', resolve: (p) => p.webhookEndpoint }),
    }),
  },
);

builder.relayMutationField(
  'rotateWebhookSecret',
  {
    description: 'Input of rotateWebhookSecret.',
    inputFields: (t) => ({ id: t.globalID({ required: true, for: WebhookEndpointRef, description: 'The endpoint.' }) }),
  },
  {
    description: 'Replaces the signing secret of an endpoint and returns the new one once; the old one stops at once.',
    authScopes: { project: true },
    resolve: (_root, { input }, ctx) => rotateWebhookSecret(ctx.deps, ctx.principal, input.id.id),
  },
  {
    description: 'Result of rotateWebhookSecret. Store the secret now: it is not shown again.',
    outputFields: (t) => ({
      webhookEndpoint: t.field({ type: WebhookEndpointRef, description: 'The endpoint.', resolve: (p) => p.endpoint }),
      secret: t.exposeString('secret', {
        description: 'The signing secret (`whsec_…`, Standard Webhooks) to verify `webhook-signature` with.',
      }),
    }),
  },
);

builder.relayMutationField(
  'deleteWebhookEndpoint',
  {
    description: 'Input of deleteWebhookEndpoint.',
    inputFields: (t) => ({ id: t.globalID({ required: true, for: WebhookEndpointRef, description: 'The endpoint.' }) }),
  },
  {
    description: 'Deletes a webhook endpoint and its deliveries (pending ones are not sent).',
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => ({
      deletedId: (await deleteWebhookEndpoint(ctx.deps, ctx.principal, input.id.id)).id,
    }),
  },
  {
    description: 'Result of deleteWebhookEndpoint.',
    outputFields: (t) => ({
      deletedWebhookEndpointId: t.id({
        description: 'Global ID of the deleted endpoint.',
        resolve: (p) => publicId('WebhookEndpoint', p.deletedId),
      }),
    }),
  },
);

builder.relayMutationField(
  'retryWebhookDelivery',
  {
    description: 'Input of retryWebhookDelivery.',
    inputFields: (t) => ({ id: t.globalID({ required: true, for: WebhookDeliveryRef, description: 'The delivery.' }) }),
  },
  {
    description: 'Sends a delivery again now, with a fresh retry schedule (e.g. a FAILED one after the receiver was fixed).',
    authScopes: { project: true },
    resolve: async (_root, { input }, ctx) => ({
      webhookDelivery: await retryWebhookDelivery(ctx.deps, ctx.principal, input.id.id),
    }),
  },
  {
    description: 'Result of retryWebhookDelivery.',
    outputFields: (t) => ({
      webhookDelivery: t.field({ type: WebhookDeliveryRef, description: 'The delivery, PENDING again.', resolve: (p) => p.webhookDelivery }),
    }),
  },
);
