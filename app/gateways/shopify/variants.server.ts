// Product variants in the Shopify Admin API: which of the variants a
// template's lines were imported with still exist, so a paid invoice is
// written back with the products that are still in the catalogue and custom
// lines for the others. Scope: read_products.
import { runAdminDocument, type AdminGraphql, type RunAdminQueryOptions } from "./graphql.server";

/** Shopify answers at most 250 ids per `nodes` query. */
export const MAX_IDS_PER_NODES_QUERY = 250;

export const EXISTING_VARIANTS_QUERY = `#graphql
  query RitournelleExistingVariants($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on ProductVariant {
        id
      }
    }
  }
`;

/**
 * The subset of `variantIds` (ProductVariant GIDs) that still exist in the
 * shop: Shopify answers null for a deleted variant, or one of another shop.
 * @throws ShopifyGraphqlError; with ACCESS_DENIED (see isAccessDenied) when
 *   the shop has not granted read_products.
 */
export async function fetchExistingVariantIds(
  admin: AdminGraphql,
  variantIds: readonly string[],
  options?: RunAdminQueryOptions,
): Promise<Set<string>> {
  const unique = [...new Set(variantIds)];
  const existing = new Set<string>();
  for (let start = 0; start < unique.length; start += MAX_IDS_PER_NODES_QUERY) {
    const ids = unique.slice(start, start + MAX_IDS_PER_NODES_QUERY);
    const data = await runAdminDocument(admin, EXISTING_VARIANTS_QUERY, { ids }, options);
    // A node of another type answers `{}` (the fragment does not apply), whatever the generated type says.
    for (const node of data.nodes) if (node?.id) existing.add(node.id);
  }
  return existing;
}
