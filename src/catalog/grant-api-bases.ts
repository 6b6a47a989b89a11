import type { ApiAuthInput, IdentityInput, MetadataInput } from './schema.js';

/** How the REST API of one grant provider is called with its OAuth tokens. */
export interface GrantApi {
  /** Base URL of the REST API; `[subdomain]` and metadata placeholders allowed. */
  base: string;
  /** Credential placement when it is not `Authorization: Bearer {accessToken}` (OAuth 2) or a signature (OAuth 1). */
  apiAuth?: ApiAuthInput;
  identity?: IdentityInput;
  metadata?: MetadataInput[];
}

/**
 * API base URLs of the grant providers that `oauth-overrides.ts` does not already describe, keyed by grant key.
 * Sources: the providers' API references, [nango] proxy.base_url where Nango has the provider, and grant's own
 * `config/profile.json` profile URLs (which show the API host the tokens work against). A provider whose API is
 * gone, closed or not REST is listed in {@link grantProvidersWithoutApi} instead, with the reason.
 */
export const grantApiBases: Readonly<Record<string, GrantApi>> = {
  acton: { base: 'https://restapi.actonsoftware.com/api/1' },
  acuityscheduling: {
    base: 'https://acuityscheduling.com/api/v1',
    identity: { from: 'endpoint', url: 'https://acuityscheduling.com/api/v1/me', id: 'id', email: 'email', name: 'name' },
  },
  adobe: {
    base: 'https://ims-na1.adobelogin.com/ims',
    identity: { from: 'endpoint', url: 'https://ims-na1.adobelogin.com/ims/userinfo/v2', id: 'sub', email: 'email', name: 'name' },
  },
  aha: {
    base: 'https://[subdomain].aha.io/api/v1',
    identity: { from: 'endpoint', url: 'https://[subdomain].aha.io/api/v1/me', id: 'user.id', email: 'user.email', name: 'user.name' },
  },
  alchemer: { base: 'https://api.alchemer.com/v5' },
  arcgis: { base: 'https://www.arcgis.com/sharing/rest' },
  assembla: { base: 'https://api.assembla.com/v1' },
  aweber: { base: 'https://api.aweber.com/1.0' },
  axosoft: { base: 'https://[subdomain].axosoft.com/api/v5' },
  baidu: { base: 'https://openapi.baidu.com/rest/2.0' },
  // Battle.net: [subdomain] is the region (us, eu, kr, tw); game data APIs live on <region>.api.blizzard.com.
  battlenet: {
    base: 'https://[subdomain].api.blizzard.com',
    identity: { from: 'endpoint', url: 'https://[subdomain].battle.net/oauth/userinfo', id: 'id|sub', name: 'battletag' },
  },
  bitly: {
    base: 'https://api-ssl.bitly.com/v4',
    identity: { from: 'endpoint', url: 'https://api-ssl.bitly.com/v4/user', id: 'login', email: 'emails.0.email', name: 'name|login' },
  },
  buffer: { base: 'https://api.bufferapp.com/1' },
  campaignmonitor: { base: 'https://api.createsend.com/api/v3.3' },
  clio: {
    base: 'https://app.clio.com/api/v4',
    identity: { from: 'endpoint', url: 'https://app.clio.com/api/v4/users/who_am_i', id: 'data.id', email: 'data.email', name: 'data.name' },
  },
  concur: { base: 'https://[subdomain].api.concursolutions.com' },
  dailymotion: {
    base: 'https://api.dailymotion.com',
    identity: { from: 'endpoint', url: 'https://api.dailymotion.com/user/me?fields=id,username,email', id: 'id', email: 'email', name: 'username' },
  },
  deezer: {
    base: 'https://api.deezer.com',
    apiAuth: { query: { access_token: '{accessToken}' } },
    identity: { from: 'endpoint', url: 'https://api.deezer.com/user/me', id: 'id', email: 'email', name: 'name' },
  },
  // Deputy: the install's API host comes back as `endpoint` in the token response.
  deputy: { base: '[endpoint]/api/v1', metadata: [{ field: 'endpoint', path: 'endpoint' }] },
  deviantart: {
    base: 'https://www.deviantart.com/api/v1/oauth2',
    identity: { from: 'endpoint', url: 'https://www.deviantart.com/api/v1/oauth2/user/whoami', id: 'userid', name: 'username' },
  },
  discogs: {
    base: 'https://api.discogs.com',
    identity: { from: 'endpoint', url: 'https://api.discogs.com/oauth/identity', id: 'id', name: 'username' },
  },
  disqus: { base: 'https://disqus.com/api/3.0' },
  dribbble: {
    base: 'https://api.dribbble.com/v2',
    identity: { from: 'endpoint', url: 'https://api.dribbble.com/v2/user', id: 'id', name: 'name|login' },
  },
  ebay: { base: 'https://api.ebay.com' },
  // Adobe Acrobat Sign: the account's shard comes back as api_access_point in the token response.
  echosign: { base: '[apiAccessPoint]/api/rest/v6', metadata: [{ field: 'apiAccessPoint', path: 'api_access_point' }] },
  // Ecwid: the store id comes back as store_id in the token response.
  ecwid: { base: 'https://app.ecwid.com/api/v3/[storeId]', metadata: [{ field: 'storeId', path: 'store_id' }] },
  egnyte: {
    base: 'https://[subdomain].egnyte.com/pubapi',
    identity: { from: 'endpoint', url: 'https://[subdomain].egnyte.com/pubapi/v1/userinfo', id: 'id', email: 'email', name: 'username' },
  },
  familysearch: { base: 'https://api.familysearch.org/platform' },
  feedly: {
    base: 'https://cloud.feedly.com/v3',
    identity: { from: 'endpoint', url: 'https://cloud.feedly.com/v3/profile', id: 'id', email: 'email', name: 'fullName' },
  },
  flickr: { base: 'https://www.flickr.com/services/rest' },
  formstack: { base: 'https://www.formstack.com/api/v2' },
  // Foursquare v2 (Swarm user endpoints) takes the token as oauth_token plus a version date `v`.
  foursquare: {
    base: 'https://api.foursquare.com/v2',
    apiAuth: { query: { oauth_token: '{accessToken}', v: '20231010' } },
    identity: { from: 'endpoint', url: 'https://api.foursquare.com/v2/users/self', id: 'response.user.id', name: 'response.user.firstName' },
  },
  freeagent: { base: 'https://api.freeagent.com/v2' },
  // Freelancer.com sends the token in its own header.
  freelancer: { base: 'https://www.freelancer.com/api', apiAuth: { headers: { 'freelancer-oauth-v1': '{accessToken}' } } },
  garmin: { base: 'https://apis.garmin.com' },
  genius: {
    base: 'https://api.genius.com',
    identity: { from: 'endpoint', url: 'https://api.genius.com/account', id: 'response.user.id', email: 'response.user.email', name: 'response.user.name' },
  },
  getbase: { base: 'https://api.getbase.com/v2' },
  gitbook: { base: 'https://api.gitbook.com/v1' },
  groove: { base: 'https://api.groovehq.com/v1' },
  gumroad: {
    base: 'https://api.gumroad.com/v2',
    identity: { from: 'endpoint', url: 'https://api.gumroad.com/v2/user', id: 'user.user_id|user.id', email: 'user.email', name: 'user.name' },
  },
  hellosign: {
    base: 'https://api.hellosign.com/v3',
    identity: { from: 'endpoint', url: 'https://api.hellosign.com/v3/account', id: 'account.account_id', email: 'account.email_address' },
  },
  hootsuite: { base: 'https://platform.hootsuite.com/v1' },
  iconfinder: { base: 'https://api.iconfinder.com/v4' },
  idme: { base: 'https://api.id.me/api/public/v3' },
  imgur: {
    base: 'https://api.imgur.com/3',
    identity: { from: 'endpoint', url: 'https://api.imgur.com/3/account/me', id: 'data.id', name: 'data.url' },
  },
  infusionsoft: { base: 'https://api.infusionsoft.com/crm/rest/v1' },
  jamendo: { base: 'https://api.jamendo.com/v3.0' },
  livechat: { base: 'https://api.livechatinc.com/v3.5' },
  lyft: { base: 'https://api.lyft.com/v1' },
  mailup: { base: 'https://services.mailup.com/API/v1.1/Rest/ConsoleService.svc' },
  medium: {
    base: 'https://api.medium.com/v1',
    identity: { from: 'endpoint', url: 'https://api.medium.com/v1/me', id: 'data.id', name: 'data.name|data.username' },
  },
  meetup: { base: 'https://api.meetup.com/gql' },
  mendeley: {
    base: 'https://api.mendeley.com',
    identity: { from: 'endpoint', url: 'https://api.mendeley.com/profiles/me', id: 'id', email: 'email', name: 'display_name' },
  },
  mention: { base: 'https://web.mention.com/api' },
  mixcloud: {
    base: 'https://api.mixcloud.com',
    apiAuth: { query: { access_token: '{accessToken}' } },
    identity: { from: 'endpoint', url: 'https://api.mixcloud.com/me/', id: 'username', name: 'name|username' },
  },
  myob: { base: 'https://api.myob.com/accountright', apiAuth: { headers: { Authorization: 'Bearer {accessToken}', 'x-myobapi-key': '{clientId}', 'x-myobapi-version': 'v2' } } },
  naver: {
    base: 'https://openapi.naver.com/v1',
    identity: { from: 'endpoint', url: 'https://openapi.naver.com/v1/nid/me', id: 'response.id', email: 'response.email', name: 'response.name|response.nickname' },
  },
  nokotime: { base: 'https://api.nokotime.com/v2' },
  openstreetmap2: {
    base: 'https://api.openstreetmap.org/api/0.6',
    identity: { from: 'endpoint', url: 'https://api.openstreetmap.org/api/0.6/user/details.json', id: 'user.id', name: 'user.display_name' },
  },
  optimizely: { base: 'https://api.optimizely.com/v2' },
  osu: {
    base: 'https://osu.ppy.sh/api/v2',
    identity: { from: 'endpoint', url: 'https://osu.ppy.sh/api/v2/me', id: 'id', name: 'username' },
  },
  plurk: { base: 'https://www.plurk.com/APP' },
  podio: {
    base: 'https://api.podio.com',
    apiAuth: { headers: { Authorization: 'OAuth2 {accessToken}' } },
    identity: { from: 'endpoint', url: 'https://api.podio.com/user', id: 'user_id', email: 'mail' },
  },
  procore: { base: 'https://api.procore.com/rest/v1.0' },
  producthunt: { base: 'https://api.producthunt.com/v2/api/graphql' },
  projectplace: { base: 'https://api.projectplace.com/1' },
  projectplace2: { base: 'https://api.projectplace.com/1' },
  // Pushbullet takes the token in Access-Token.
  pushbullet: {
    base: 'https://api.pushbullet.com/v2',
    apiAuth: { headers: { 'Access-Token': '{accessToken}' } },
    identity: { from: 'endpoint', url: 'https://api.pushbullet.com/v2/users/me', id: 'iden', email: 'email', name: 'name' },
  },
  // QQ Connect wants access_token, oauth_consumer_key (the app id) and openid as query parameters.
  qq: { base: 'https://graph.qq.com', apiAuth: { query: { access_token: '{accessToken}', oauth_consumer_key: '{clientId}' } } },
  ravelry: { base: 'https://api.ravelry.com' },
  redbooth: { base: 'https://redbooth.com/api/3' },
  shoeboxed: { base: 'https://api.shoeboxed.com/v2' },
  smartsheet: {
    base: 'https://api.smartsheet.com/2.0',
    identity: { from: 'endpoint', url: 'https://api.smartsheet.com/2.0/users/me', id: 'id', email: 'email', name: 'firstName' },
  },
  smugmug: { base: 'https://api.smugmug.com/api/v2' },
  snowflake: { base: 'https://[subdomain].snowflakecomputing.com/api/v2' },
  socrata: { base: 'https://[subdomain]/api' },
  // SoundCloud takes `Authorization: OAuth <token>`.
  soundcloud: {
    base: 'https://api.soundcloud.com',
    apiAuth: { headers: { Authorization: 'OAuth {accessToken}' } },
    identity: { from: 'endpoint', url: 'https://api.soundcloud.com/me', id: 'id', name: 'username' },
  },
  // Stack Exchange takes the token as a query parameter (with the app's `key` for quota, not a catalog value).
  stackexchange: { base: 'https://api.stackexchange.com/2.3', apiAuth: { query: { access_token: '{accessToken}' } } },
  stocktwits: { base: 'https://api.stocktwits.com/api/2' },
  storyblok: { base: 'https://mapi.storyblok.com/v1' },
  surveysparrow: { base: 'https://api.surveysparrow.com/v3' },
  thingiverse: { base: 'https://api.thingiverse.com' },
  tiktok: { base: 'https://open.tiktokapis.com/v2' },
  // trakt wants the app's client id and the API version on every call.
  trakt: {
    base: 'https://api.trakt.tv',
    apiAuth: { headers: { Authorization: 'Bearer {accessToken}', 'trakt-api-key': '{clientId}', 'trakt-api-version': '2' } },
  },
  tripit: { base: 'https://api.tripit.com/v1' },
  tumblr: { base: 'https://api.tumblr.com/v2' },
  uber: { base: 'https://api.uber.com/v1.2' },
  unbounce: { base: 'https://api.unbounce.com' },
  unsplash: {
    base: 'https://api.unsplash.com',
    identity: { from: 'endpoint', url: 'https://api.unsplash.com/me', id: 'id', email: 'email', name: 'name|username' },
  },
  untappd: { base: 'https://api.untappd.com/v4', apiAuth: { query: { access_token: '{accessToken}' } } },
  verticalresponse: { base: 'https://vrapi.verticalresponse.com/api/v1' },
  vimeo: {
    base: 'https://api.vimeo.com',
    identity: { from: 'endpoint', url: 'https://api.vimeo.com/me', id: 'uri', name: 'name' },
  },
  visualstudio: { base: 'https://dev.azure.com' },
  // VK takes the token and the API version as query parameters.
  vk: { base: 'https://api.vk.com/method', apiAuth: { query: { access_token: '{accessToken}', v: '5.199' } } },
  wechat: { base: 'https://api.weixin.qq.com', apiAuth: { query: { access_token: '{accessToken}' } } },
  weibo: { base: 'https://api.weibo.com/2', apiAuth: { headers: { Authorization: 'OAuth2 {accessToken}' } } },
  withings: { base: 'https://wbsapi.withings.net' },
  wordpress: {
    base: 'https://public-api.wordpress.com/rest/v1.1',
    identity: { from: 'endpoint', url: 'https://public-api.wordpress.com/rest/v1.1/me', id: 'ID', email: 'email', name: 'display_name|username' },
  },
  yammer: {
    base: 'https://www.yammer.com/api/v1',
    identity: { from: 'endpoint', url: 'https://www.yammer.com/api/v1/users/current.json', id: 'id', email: 'email', name: 'full_name' },
  },
};

/** grant providers left without an apiBaseUrl, and why: no public REST API for the tokens these endpoints issue. */
export const grantProvidersWithoutApi: Readonly<Record<string, string>> = {
  '23andme': 'API closed to new applications',
  '500px': 'public API shut down in 2018',
  angellist: 'API discontinued',
  apple: 'Sign in with Apple issues identity tokens only',
  authentiq: 'identity provider only (OpenID Connect)',
  authing: 'identity provider only (OpenID Connect)',
  beatport: 'the OAuth 1 identity API is retired; API v4 uses other endpoints',
  cas: 'identity provider only (OpenID Connect)',
  cheddar: 'service discontinued',
  cognito: 'identity provider only (OpenID Connect)',
  coursera: 'API closed',
  crossid: 'identity provider only (OpenID Connect)',
  delivery: 'service discontinued',
  edmodo: 'service shut down in 2022',
  etsy: 'these are the retired OAuth 1 (API v2) endpoints; API v3 uses OAuth 2',
  evernote: 'the Evernote API is Thrift, not REST',
  eyeem: 'service discontinued',
  freshbooks: 'these OAuth 1 endpoints serve the classic XML API; the REST API uses OAuth 2',
  fusionauth: 'identity provider only (OpenID Connect); its API uses API keys',
  geeklist: 'service discontinued',
  getpocket: 'Pocket shut down in 2025',
  gitter: 'Gitter moved to Matrix; its REST API is deprecated',
  goodreads: 'public API retired in 2020',
  homeaway: 'API discontinued',
  huddle: 'API documentation no longer public; not verified',
  ibm: 'IBMid is an identity provider only',
  idonethis: 'service discontinued',
  jumplead: 'service discontinued',
  keycloak: 'identity provider only (OpenID Connect)',
  live: 'the Live Connect API was retired; Microsoft Graph is the `microsoft` toolkit',
  logingov: 'identity provider only (OpenID Connect)',
  mailxpert: 'API base not verified',
  mapmyfitness: 'API closed to new applications; not verified',
  moxtra: 'API base not verified',
  nest: 'the Works with Nest API was retired',
  nylas: 'these are Nylas v2 endpoints, sunset in 2024',
  onelogin: 'OpenID Connect login only; the OneLogin API uses client credentials',
  openstreetmap: 'OAuth 1.0a was removed in 2024; use openstreetmap2',
  phantauth: 'test identity provider',
  runkeeper: 'API closed to new applications; not verified',
  sellsy: 'the OAuth 1 API v1 is RPC, not REST; API v2 uses OAuth 2',
  skyrock: 'service discontinued',
  slice: 'service discontinued',
  socialpilot: 'API base not verified',
  stormz: 'service discontinued',
  ticketbud: 'API base not verified',
  traxo: 'service discontinued',
  underarmour: 'API closed to new applications; not verified',
  upwork: 'these are the deprecated OAuth 1 endpoints; the API moved to OAuth 2 and GraphQL',
  uservoice: "grant's URLs name a sample subdomain, not a usable API host",
  venmo: 'API closed',
  viadeo: 'service discontinued',
  weekdone: 'API base not verified',
  workos: 'WorkOS SSO tokens only fetch the SSO profile',
  xero: 'Xero retired OAuth 1 in 2021; its API needs OAuth 2',
  xing: 'API closed to new partners; not verified',
  yahoo: 'OpenID Connect identity only here; product APIs differ',
  yandex: 'identity (login.yandex.ru) only; product APIs differ',
};
