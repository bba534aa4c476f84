// The one way app code talks to the Shopify Admin GraphQL API: through the
// `admin` client that @shopify/shopify-app-remix hands to authenticated
// requests. Every document lives in a `#graphql` template literal so the
// contract test (tests/unit/graphql-contract.test.ts) can find it and validate
// it against the real Admin schema.
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";

export type AdminGraphql = Pick<AdminApiContext, "graphql">;

export class ShopifyGraphqlError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: unknown,
  ) {
    super(`Shopify rejected ${operation}: ${JSON.stringify(errors)}`);
    this.name = "ShopifyGraphqlError";
  }
}

/** Runs one document and returns `data`, or throws with Shopify's errors. */
export async function runAdminQuery<Data>(
  admin: AdminGraphql,
  operation: string,
  document: string,
  variables?: Record<string, unknown>,
): Promise<Data> {
  const response = await admin.graphql(document, variables ? { variables } : undefined);
  const body = (await response.json()) as { data?: Data; errors?: unknown };
  if (body.errors || !body.data) throw new ShopifyGraphqlError(operation, body.errors ?? "no data");
  return body.data;
}
