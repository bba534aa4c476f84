// The one Admin API version of the app: every Admin GraphQL request
// (shopify.server.ts), every document's generated types (graphql-codegen) and
// the contract test use it. It is the version of the Admin schema the project
// validates against, sandbox/shopify/schema/admin_schema_<version>_public.graphql,
// so a field Shopify removed in a later version cannot pass the tests.
// shopify.app.toml ([webhooks] api_version) and the extension's
// shopify.extension.toml name the same version; tests/unit/api-version.test.ts
// fails when any of them disagree. README: "Moving to a newer Admin API version".
import { ApiVersion } from "@shopify/shopify-api";

export const ADMIN_API_VERSION = ApiVersion.January26;
