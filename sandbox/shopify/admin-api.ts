// The Shopify Admin GraphQL API stand-in, as a plain function:
//
//   const api = createAdminApi();
//   const res = await api.execute("ritournelle-demo.myshopify.com", DEMO_ACCESS_TOKEN,
//     { query: "{ shop { name } }" });
//   // res.status === 200, res.body = { data: { shop: { name: … } }, extensions: { cost: … } }
//
// Pipeline, in Shopify's order:
//   1. shop lookup (404) and X-Shopify-Access-Token check (401: unknown,
//      revoked or expired token; see oauth.ts)
//   2. parse (PARSE_ERROR) and static validation against the real 2026-01
//      schema (graphql-ruby-style messages and codes; no data, no cost)
//   3. variable coercion (INVALID_VARIABLE)
//   4. requestedQueryCost; > 1000 → MAX_COST_EXCEEDED (no extensions.cost)
//   5. leaky bucket per shop; not enough points → THROTTLED (HTTP 200,
//      extensions.cost with actualQueryCost null)
//   6. execution over the seeded data (resolvers.ts); fields the stand-in
//      does not implement fail with NOT_IMPLEMENTED_IN_STAND_IN errors
//   7. actualQueryCost is taken from the bucket; extensions.cost reported.

import { grantOptionalScopes, installationScopes, notifyScopesUpdate, revokeOptionalScopes } from "./app-scopes";
import {
  execute,
  getLocation,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  typeFromAST,
  validate,
  valueFromAST,
  coerceInputValue,
  isInputType,
  isNonNullType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLTypeResolver,
  type OperationDefinitionNode,
} from "graphql";
import { payInvoice } from "./checkout";
import { companyControl } from "./companies";
import { draftOrderCreate, draftStore, findDraft, type DraftOrderRecord, type InvoiceEmail } from "./draft-orders";
import {
  activeSubscription,
  cancelAllSubscriptions,
  choosePlan,
  declinePlan,
  seedPlans,
  subscriptionWebhookPayload,
  type AppSubscriptionRecord,
  type StandInPlanHandle,
} from "./app-installation";
import { actualQueryCost, requestedQueryCost, SINGLE_QUERY_MAX_COST } from "./cost";
import { clearWebhookDeliveries, deliverWebhook, redeliverWebhook, webhookDeliveries, webhooksSettled, type WebhookDelivery } from "./webhooks";
import { cancelOrderInAdmin, deleteDraftInAdmin } from "./merchant-admin";
import {
  toShopifyExecutionError,
  toShopifyParseError,
  toShopifyValidationErrors,
  type ShopifyGraphQLError,
} from "./errors";
import { isAccessTokenAccepted, uninstallApp } from "./oauth";
import { notImplemented, rootValue, type ResolverContext } from "./resolvers";
import { ADMIN_API_VERSION, getAdminSchema } from "./schema";
import { createDefaultSeed, type Seed, type SeedOrder } from "./seed";
import {
  bucketAvailable,
  bucketSet,
  bucketSpend,
  createState,
  reseed,
  splitScopes,
  type AppCredentials,
  type Clock,
  type CreatedOrderRecord,
  type ShopAvailability,
  type ShopState,
  type StandInState,
  type ThrottleConfig,
  type TokenGrantRecord,
} from "./state";

export interface AdminApiOptions {
  /** Data to serve (default: DEFAULT_SEED from seed.ts). Deep-copied. */
  seed?: Seed;
  /** Time source for the leaky bucket, token expiry and created orders. */
  clock?: Clock;
  /** Bucket size and restore rate (default: Standard plan, 2000 / 100 per s). */
  throttle?: Partial<ThrottleConfig>;
  /** The app's credentials (default: SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SCOPES). */
  app?: Partial<AppCredentials>;
  /** From when non-expiring offline tokens are refused (Shopify: 2027-01-01); default never (see state.ts). */
  nonExpiringTokensRefusedFrom?: number | null;
  /** Where webhooks go (the app's `/webhooks`); default none (see control.setWebhookUrl). */
  webhookUrl?: string | null;
  /**
   * Where the app subscribed to webhooks, topic → absolute URL (shopify.app.toml's
   * `uri` on the app's URL). A topic without one is not delivered.
   */
  webhooks?: Partial<Record<"app_subscriptions/update", string>>;
}

export interface AdminApiRequestBody {
  query?: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface AdminApiResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface AdminApiBaseControl {
  /** Back to a fresh copy of `seed` (default: the seed the API was created with). */
  reset(seed?: Seed): void;
  /** Orders created through orderCreate on `shop`, with their raw input. */
  createdOrders(shop: string): CreatedOrderRecord[];
  /** Every order of `shop` (seeded and created). */
  orders(shop: string): SeedOrder[];
  /** Sets the leaky bucket of `shop` (currentlyAvailable, size, restore rate). */
  setThrottle(shop: string, throttle: { currentlyAvailable?: number; maximumAvailable?: number; restoreRate?: number }): void;
  /** Points available now in `shop`'s bucket. */
  throttleStatus(shop: string): { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
  /** Moves the clock forward (when the clock supports it: manual or offset clocks). */
  advanceClock(ms: number): void;
  /** Marks a variant deleted (productVariant(id:) and LineItem.variant resolve to null) or restores it. */
  setVariantDeleted(shop: string, variantId: string, deleted?: boolean): void;
  /** Registers an extra access token for `shop` (e.g. with narrower scopes). */
  addAccessToken(shop: string, token: string, scopes: string): void;
  /**
   * The merchant grants optional scopes of the app on `shop` (the admin's permission modal): its tokens carry them from now on.
   * Resolves with the `app/scopes_update` webhook once the app answered it (null: nothing changed).
   */
  grantOptionalScopes(shop: string, scopes: readonly string[]): Promise<WebhookDelivery | null>;
  /** The merchant revokes optional scopes of the app on `shop`: its tokens lose them; resolves as grantOptionalScopes. */
  revokeOptionalScopes(shop: string, scopes: readonly string[]): Promise<WebhookDelivery | null>;
  /** The app's scopes on `shop`, as App Bridge's `shopify.scopes.query()` gives them. */
  appScopes(shop: string): { granted: string[]; required: string[]; optional: string[] };
  /** Removes an access token (the next request with it gets 401). */
  revokeAccessToken(shop: string, token: string): void;
  /** The merchant uninstalls the app: every token, refresh token and migration of `shop` is revoked. */
  uninstall(shop: string): void;
  /** Every answered request to `shop`'s token endpoint (token exchange, migration, refresh), oldest first. */
  tokenRequests(shop: string): TokenGrantRecord[];
  /** Refuse non-expiring offline tokens from `at` (ms since epoch), or never (null). */
  refuseNonExpiringTokensFrom(at: number | null): void;
  /** Freezes or locks `shop` (its Admin requests answer 402 / 423 until it is "open" again). */
  setShopAvailability(shop: string, availability: ShopAvailability): void;
  /** The shop's draft orders (draft-orders.ts), deleted ones excluded. */
  draftOrders(shop: string): DraftOrderRecord[];
  /** Every invoice e-mail draftOrderInvoiceSend sent for `shop`. */
  invoiceEmails(shop: string): InvoiceEmail[];
  /** How long the draft order search index lags behind writes (default 5 s). */
  setSearchIndexLag(shop: string, ms: number): void;
  /**
   * A draft made outside the app (the merchant in Shopify's admin, another
   * app): draftOrderCreate's input, as the mutation takes it, now. Throws on
   * userErrors.
   */
  createDraftOrder(shop: string, input: Record<string, unknown>): DraftOrderRecord;
  /**
   * The merchant deletes a customer in Shopify's admin: customer(id:) answers
   * null and a draft for it is refused ("Customer does not exist"). Shopify
   * deletes a customer only once it has no orders
   * (https://shopify.dev/docs/api/admin-graphql/latest/objects/Customer, canDelete):
   * the stand-in does not check, the customer's orders stay as they are.
   */
  deleteCustomer(shop: string, customerId: string): void;
  /** Where webhooks go (the app's `/webhooks`), or nowhere. */
  setWebhookUrl(url: string | null): void;
  /** The customer pays a draft's invoice at checkout (what the invoice page's Pay button does). */
  payInvoice(shop: string, draftId: string): Promise<SeedOrder>;
  /**
   * The merchant deletes a draft order in Shopify's admin (its checkout link dies);
   * resolves with its `draft_orders/delete` webhook ({"id": <REST id>}) once the app answered it.
   * Throws for an unknown or completed draft (merchant-admin.ts).
   */
  deleteDraftInAdmin(shop: string, draftId: string): Promise<WebhookDelivery>;
  /**
   * The merchant cancels an order in Shopify's admin, refunding it unless `refund: false`;
   * resolves with its `orders/cancelled` webhook once the app answered it (merchant-admin.ts).
   */
  cancelOrderInAdmin(shop: string, orderId: string, options?: { refund?: boolean }): Promise<WebhookDelivery>;
  /** Resolves once the webhooks of Admin API mutations (draftOrderInvoiceSend, draftOrderDelete) have been answered by the app. */
  webhooksSettled(): Promise<void>;
  /**
   * The merchant picks a plan on Shopify's plan-selection page and approves it
   * ("free" cancels the paid one); each subscription that changed is an
   * `app_subscriptions/update` webhook, delivered before this resolves.
   * `test`: the new subscription is a test charge (development stores).
   */
  choosePlan(shop: string, handle: StandInPlanHandle, options?: { test?: boolean }): Promise<WebhookDelivery[]>;
  /** The merchant declines the approval of a paid plan: a DECLINED subscription and its webhook; the plan stays. */
  declinePlan(shop: string, handle: Exclude<StandInPlanHandle, "free">): Promise<WebhookDelivery[]>;
  /** The app's subscriptions on `shop`, every status, oldest first. */
  appSubscriptions(shop: string): AppSubscriptionRecord[];
  /** The handle of the shop's paid plan, or "free". */
  currentPlan(shop: string): StandInPlanHandle;
  /** Delivers a recorded webhook again, byte for byte under the same id (Shopify's retry). */
  redeliver(delivery: WebhookDelivery): Promise<WebhookDelivery>;
  /** Every webhook delivered (or recorded without a URL), every topic, oldest first. */
  webhookDeliveries(): WebhookDelivery[];
}

/** B2B (companies.ts): the merchant removes a company location, takes a contact's role at one away, or changes its payment terms. */
export type AdminApiControl = AdminApiBaseControl & ReturnType<typeof companyControl>;

export interface AdminApi {
  execute(shopDomain: string, accessToken: string | null | undefined, body: AdminApiRequestBody): Promise<AdminApiResponse>;
  readonly state: StandInState;
  readonly control: AdminApiControl;
}

export const INVALID_TOKEN_MESSAGE = "[API] Invalid API key or access token (unrecognized login or wrong password)";
export const UNAVAILABLE_SHOP_MESSAGE = "Unavailable Shop";
export const LOCKED_SHOP_MESSAGE = "This shop is unavailable";
export const THROTTLED_DOCUMENTATION = "https://shopify.dev/api/usage/rate-limits";

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

function respond(status: number, body: unknown, version = ADMIN_API_VERSION): AdminApiResponse {
  return { status, headers: { ...JSON_HEADERS, "x-shopify-api-version": version }, body };
}

/** The executor's default resolver: read the view's key, call it if it is a function. */
const fieldResolver: GraphQLFieldResolver<unknown, ResolverContext> = (source, args, context, info) => {
  if (source !== null && typeof source === "object" && Object.prototype.hasOwnProperty.call(source, info.fieldName)) {
    const value = (source as Record<string, unknown>)[info.fieldName];
    return typeof value === "function" ? (value as (a: unknown, c: unknown, i: unknown) => unknown)(args, context, info) : value;
  }
  throw notImplemented(info.parentType.name, info.fieldName);
};

const typeResolver: GraphQLTypeResolver<unknown, ResolverContext> = (value) => {
  if (value !== null && typeof value === "object" && typeof (value as { __typename?: unknown }).__typename === "string") {
    return (value as { __typename: string }).__typename;
  }
  return undefined;
};

interface CoercedVariables {
  values: Record<string, unknown>;
  errors: ShopifyGraphQLError[];
}

function explain(error: GraphQLError | Error, path: readonly (string | number)[]): { path: (string | number)[]; explanation: string } {
  const msg = error.message;
  let m: RegExpExecArray | null;
  if (/^Expected non-nullable type ".+" not to be null\.$/.test(msg)) return { path: [...path], explanation: "Expected value to not be null" };
  if ((m = /^Field "(.+?)" of required type ".+" was not provided\.$/.exec(msg))) {
    return { path: [...path, m[1] ?? ""], explanation: "Expected value to not be null" };
  }
  if ((m = /^Field "(.+?)" is not defined by type "(.+?)"\./.exec(msg))) {
    return { path: [...path, m[1] ?? ""], explanation: `Field is not defined on ${m[2]}` };
  }
  if ((m = /^(\w+) cannot represent [^:]*: (.+)$/.exec(msg))) return { path: [...path], explanation: `Could not coerce value ${m[2]} to ${m[1]}` };
  if ((m = /^Value "(.+?)" does not exist in "(.+?)" enum\./.exec(msg))) {
    return { path: [...path], explanation: `Expected "${m[1]}" to be one of the values of ${m[2]}` };
  }
  if ((m = /^Enum "(.+?)" cannot represent non-(?:enum|string) value: (.+?)\./.exec(msg))) {
    return { path: [...path], explanation: `Could not coerce value ${m[2]} to ${m[1]}` };
  }
  return { path: [...path], explanation: msg };
}

function coerceVariables(
  schema: ReturnType<typeof getAdminSchema>,
  operation: OperationDefinitionNode,
  provided: Record<string, unknown>,
): CoercedVariables {
  const values: Record<string, unknown> = {};
  const errors: ShopifyGraphQLError[] = [];
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type as Parameters<typeof typeFromAST>[1]);
    if (!type || !isInputType(type)) continue; // already reported by validation
    const location = def.variable.loc ? [getLocation(def.variable.loc.source, def.variable.loc.start)] : undefined;
    const typeName = String(type);
    const has = Object.prototype.hasOwnProperty.call(provided, name);
    let value = has ? provided[name] : undefined;
    if (!has && def.defaultValue) {
      value = valueFromAST(def.defaultValue, type);
      values[name] = value;
      continue;
    }
    if ((value === undefined || value === null) && isNonNullType(type)) {
      errors.push({
        message: `Variable $${name} of type ${typeName} was provided invalid value`,
        locations: location,
        extensions: { code: "INVALID_VARIABLE", value: null, problems: [{ path: [], explanation: "Expected value to not be null" }] },
      });
      continue;
    }
    if (!has) continue;
    const problems: { path: (string | number)[]; explanation: string }[] = [];
    const coerced = coerceInputValue(value, type, (path, _invalid, error) => {
      problems.push(explain(error, path));
    });
    if (problems.length > 0) {
      const detail = problems.filter((p) => p.path.length > 0);
      const suffix = detail.length > 0 ? ` for ${detail.map((p) => `${p.path.join(".")} (${p.explanation})`).join(", ")}` : "";
      errors.push({
        message: `Variable $${name} of type ${typeName} was provided invalid value${suffix}`,
        locations: location,
        extensions: { code: "INVALID_VARIABLE", value: value ?? null, problems },
      });
    } else values[name] = coerced;
  }
  return { values, errors };
}


function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) out[def.name.value] = def;
  return out;
}

function costExtension(shop: ShopState, now: number, requested: number, actual: number | null) {
  return {
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: {
      maximumAvailable: shop.throttle.maximumAvailable,
      currentlyAvailable: Math.floor(bucketAvailable(shop, now)),
      restoreRate: shop.throttle.restoreRate,
    },
  };
}

/** Creates an Admin API stand-in over its own state (one per server/test). */
export function createAdminApi(options: AdminApiOptions = {}): AdminApi {
  const state = createState(options);
  seedPlans(state.shops.values(), state.clock.now());
  const initialSeed: Seed | undefined = options.seed ? structuredClone(options.seed) : undefined;

  /** The `app_subscriptions/update` webhooks of `changed`, one after the other (each answered before the next). */
  async function notifySubscriptions(shop: ShopState, changed: AppSubscriptionRecord[]): Promise<WebhookDelivery[]> {
    const url = options.webhooks?.["app_subscriptions/update"];
    if (!url) return [];
    const sent: WebhookDelivery[] = [];
    for (const subscription of changed) {
      sent.push(await deliverWebhook(state, { url, topic: "app_subscriptions/update", shop: shop.shop.myshopifyDomain, payload: subscriptionWebhookPayload(shop, subscription) }));
    }
    return sent;
  }
  const schema = getAdminSchema();

  const shopOrThrow = (domain: string): ShopState => {
    const shop = state.shops.get(domain);
    if (!shop) throw new Error(`stand-in: unknown shop ${domain}`);
    return shop;
  };

  const control: AdminApiControl = {
    ...companyControl(shopOrThrow),
    reset(seed) {
      reseed(state, seed ?? initialSeed ?? createDefaultSeed());
      seedPlans(state.shops.values(), state.clock.now());
      clearWebhookDeliveries(state);
      state.nonExpiringTokensRefusedFrom = options.nonExpiringTokensRefusedFrom ?? null;
    },
    createdOrders: (shop) => [...shopOrThrow(shop).created],
    orders: (shop) => [...shopOrThrow(shop).shop.orders],
    setThrottle(shop, t) {
      const s = shopOrThrow(shop);
      const now = state.clock.now();
      const current = bucketAvailable(s, now);
      if (t.maximumAvailable !== undefined) s.throttle.maximumAvailable = t.maximumAvailable;
      if (t.restoreRate !== undefined) s.throttle.restoreRate = t.restoreRate;
      bucketSet(s, now, t.currentlyAvailable ?? current);
    },
    throttleStatus(shop) {
      const s = shopOrThrow(shop);
      return {
        maximumAvailable: s.throttle.maximumAvailable,
        currentlyAvailable: Math.floor(bucketAvailable(s, state.clock.now())),
        restoreRate: s.throttle.restoreRate,
      };
    },
    advanceClock(ms) {
      const clock = state.clock as Clock & { advance?: (ms: number) => void };
      if (typeof clock.advance !== "function") throw new Error("stand-in: this clock cannot be advanced (pass a ManualClock)");
      clock.advance(ms);
    },
    setVariantDeleted(shop, variantId, deleted = true) {
      const variant = shopOrThrow(shop).shop.variants.find((v) => v.id === variantId);
      if (!variant) throw new Error(`stand-in: unknown variant ${variantId} in ${shop}`);
      variant.deleted = deleted;
    },
    addAccessToken(shop, token, scopes) {
      shopOrThrow(shop).tokens.set(token, { scopes: splitScopes(scopes), expiresAt: null, kind: "seeded" });
    },
    grantOptionalScopes(shop, scopes) {
      const s = shopOrThrow(shop);
      const previous = installationScopes(state, s);
      grantOptionalScopes(state, s, scopes);
      return notifyScopesUpdate(state, s, previous) ?? Promise.resolve(null);
    },
    revokeOptionalScopes(shop, scopes) {
      const s = shopOrThrow(shop);
      const previous = installationScopes(state, s);
      revokeOptionalScopes(s, scopes);
      return notifyScopesUpdate(state, s, previous) ?? Promise.resolve(null);
    },
    appScopes(shop) {
      return { granted: installationScopes(state, shopOrThrow(shop)), required: splitScopes(state.app.scopes), optional: splitScopes(state.app.optionalScopes) };
    },
    revokeAccessToken(shop, token) {
      shopOrThrow(shop).tokens.delete(token);
    },
    uninstall(shop) {
      uninstallApp(shopOrThrow(shop));
      // Shopify cancels the app's subscriptions with the installation.
      cancelAllSubscriptions(shopOrThrow(shop), state.clock.now());
    },
    async choosePlan(shop, handle, planOptions = {}) {
      const s = shopOrThrow(shop);
      return notifySubscriptions(s, choosePlan(s, handle, state.clock.now(), planOptions));
    },
    async declinePlan(shop, handle) {
      const s = shopOrThrow(shop);
      return notifySubscriptions(s, declinePlan(s, handle, state.clock.now()));
    },
    appSubscriptions: (shop) => shopOrThrow(shop).appSubscriptions.map((subscription) => ({ ...subscription })),
    currentPlan: (shop) => (activeSubscription(shopOrThrow(shop))?.planHandle as StandInPlanHandle | undefined) ?? "free",
    redeliver: (delivery) => redeliverWebhook(state, delivery),
    webhookDeliveries: () => [...webhookDeliveries(state)],
    tokenRequests: (shop) => [...shopOrThrow(shop).tokenRequests],
    refuseNonExpiringTokensFrom(at) {
      state.nonExpiringTokensRefusedFrom = at;
    },
    setShopAvailability(shop, availability) {
      shopOrThrow(shop).availability = availability;
    },
    draftOrders: (shop) => [...draftStore(shopOrThrow(shop)).drafts],
    invoiceEmails: (shop) => [...draftStore(shopOrThrow(shop)).emails],
    setSearchIndexLag(shop, ms) {
      draftStore(shopOrThrow(shop)).indexLagMs = ms;
    },
    createDraftOrder(shop, input) {
      const { draft, userErrors } = draftOrderCreate(shopOrThrow(shop), state.clock.now(), input);
      if (!draft) throw new Error(`stand-in: draftOrderCreate refused: ${JSON.stringify(userErrors)}`);
      return draft;
    },
    deleteCustomer(shop, customerId) {
      const s = shopOrThrow(shop);
      if (!s.shop.customers.some((c) => c.id === customerId)) throw new Error(`stand-in: no customer ${customerId} in ${shop}`);
      s.shop.customers = s.shop.customers.filter((c) => c.id !== customerId);
    },
    setWebhookUrl(url) {
      state.webhookUrl = url;
    },
    payInvoice(shop, draftId) {
      const s = shopOrThrow(shop);
      const draft = findDraft(s, draftId);
      if (!draft) throw new Error(`stand-in: no draft order ${draftId} in ${shop}`);
      return payInvoice(state, s, draft);
    },
    deleteDraftInAdmin: (shop, draftId) => deleteDraftInAdmin(state, shopOrThrow(shop), draftId),
    cancelOrderInAdmin: (shop, orderId, cancelOptions) => cancelOrderInAdmin(state, shopOrThrow(shop), orderId, cancelOptions),
    webhooksSettled: () => webhooksSettled(state),
  };

  async function executeRequest(shopDomain: string, accessToken: string | null | undefined, body: AdminApiRequestBody): Promise<AdminApiResponse> {
    const shop = state.shops.get(shopDomain);
    if (!shop) return respond(404, { errors: "Not Found" });
    const now = state.clock.now();
    // Unknown, revoked, expired, or non-expiring once those are refused: 401, as Shopify answers.
    const grant = accessToken ? shop.tokens.get(accessToken) : undefined;
    if (!isAccessTokenAccepted(state, grant, now)) return respond(401, { errors: INVALID_TOKEN_MESSAGE });
    // A shop that cannot be served: "402 Payment Required: the shop is
    // frozen", "423 Locked: the shop isn't available"
    // (https://shopify.dev/docs/api/usage/response-codes). Nothing runs.
    if (shop.availability === "frozen") return respond(402, { errors: UNAVAILABLE_SHOP_MESSAGE });
    if (shop.availability === "locked") return respond(423, { errors: LOCKED_SHOP_MESSAGE });

    const query = body?.query;
    if (typeof query !== "string" || query.trim() === "") {
      return respond(400, { errors: { query: "Required parameter missing or invalid" } });
    }

    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      if (error instanceof GraphQLError) return respond(200, { errors: [toShopifyParseError(error, query)] });
      throw error;
    }

    const validationErrors = validate(schema, document);
    if (validationErrors.length > 0) return respond(200, { errors: toShopifyValidationErrors(schema, document, validationErrors) });

    const operationName = body.operationName ?? undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      const message = operationName ? `No operation named "${operationName}"` : "An operation name is required";
      return respond(200, { errors: [{ message, extensions: { code: "OPERATION_NAME_REQUIRED" } }] });
    }
    if (operation.operation === "subscription") {
      return respond(200, { errors: [{ message: "Subscriptions are not supported by the Admin API", extensions: { code: "BAD_REQUEST" } }] });
    }

    const provided = body.variables && typeof body.variables === "object" ? body.variables : {};
    const coerced = coerceVariables(schema, operation, provided);
    if (coerced.errors.length > 0) return respond(200, { errors: coerced.errors });

    const fragments = fragmentsOf(document);
    const requested = requestedQueryCost({ schema, operation, fragments, variables: coerced.values });
    if (requested > SINGLE_QUERY_MAX_COST) {
      return respond(200, {
        errors: [
          {
            message:
              `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\n` +
              "See https://shopify.dev/docs/api/usage/rate-limits for more information on how the\n" +
              "cost of a query is calculated.\n\n" +
              "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
              "See https://shopify.dev/docs/api/usage/bulk-operations/queries for usage details.\n",
            extensions: {
              code: "MAX_COST_EXCEEDED",
              cost: requested,
              maxCost: SINGLE_QUERY_MAX_COST,
              documentation: "https://shopify.dev/api/usage/rate-limits",
            },
          },
        ],
      });
    }

    if (bucketAvailable(shop, now) < requested) {
      return respond(200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: THROTTLED_DOCUMENTATION } }],
        extensions: { cost: costExtension(shop, now, requested, null) },
      });
    }

    const context: ResolverContext = { state, shop, scopes: grant.scopes, now, searchWarnings: [] };
    const result = await execute({
      schema,
      document,
      rootValue: rootValue(context),
      contextValue: context,
      variableValues: coerced.values,
      operationName: operationName ?? undefined,
      fieldResolver,
      typeResolver,
    });
    const data = (result.data ?? null) as Record<string, unknown> | null;
    const actual = Math.min(requested, actualQueryCost({ schema, operation, fragments, variables: coerced.values, data }));
    bucketSpend(shop, now, actual);

    const out: Record<string, unknown> = {};
    if (result.errors && result.errors.length > 0) out.errors = result.errors.map(toShopifyExecutionError);
    out.data = data;
    const extensions: Record<string, unknown> = { cost: costExtension(shop, now, requested, actual) };
    if (context.searchWarnings.length > 0) extensions.search = context.searchWarnings;
    out.extensions = extensions;
    return respond(200, out);
  }

  return { execute: executeRequest, state, control };
}
