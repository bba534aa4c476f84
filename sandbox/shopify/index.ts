// The Shopify stand-in: Admin GraphQL API over the real 2026-01 schema,
// token exchange, leaky-bucket throttling, seeded shops. See README.md.
export { createAdminApi, INVALID_TOKEN_MESSAGE } from "./admin-api";
export type { AdminApi, AdminApiControl, AdminApiOptions, AdminApiRequestBody, AdminApiResponse } from "./admin-api";
export { startShopifyStandIn } from "./server";
export type { ShopifyStandIn, ShopifyStandInOptions } from "./server";
export { routeShopifyAdminTo, rewriteShopifyUrl } from "./redirect";
export type { RouteShopifyAdminOptions } from "./redirect";
export { signSessionToken, sessionTokenPayload, verifySessionToken } from "./oauth";
export { createManualClock, createOffsetClock, STANDARD_PLAN_THROTTLE } from "./state";
export type { Clock, ManualClock, ThrottleConfig, AppCredentials, CreatedOrderRecord } from "./state";
export { adminSchemaStats, getAdminSchema, ADMIN_API_VERSION } from "./schema";
export * from "./seed";
