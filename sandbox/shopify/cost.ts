// Calculated query cost, after Shopify's documented rules for the Admin API:
//
//   scalar, enum                 0
//   object                       1
//   interface, union             maximum over the possible types
//   connection                   2 + (first | last) × cost of one node
//   mutation (root field)        10 + cost of the selected payload fields
//
// plus two observations taken from live responses and reproduced exactly:
//   - money and tax value objects (MoneyV2, MoneyBag, TaxLine) cost 0: a live
//     orderCreate selecting 12 MoneyBags, shippingLines(first: 5),
//     lineItems(first: 5) with taxLines, transactions and userErrors reported
//     requestedQueryCost 27, which is exactly what these rules give;
//   - `shop { primaryDomain { … } }` costs 2 and `domain(id:)` costs 1.
// Connection wrappers (edges, pageInfo) are covered by the connection's 2;
// a plain list of objects costs like one object (the live `transactions`
// list above counted 1).
//
// Shopify's live costs are often lower than these rules (it refines per field),
// never higher in the cases we could compare, so a document accepted here will
// not hit MAX_COST_EXCEEDED in production. actualQueryCost uses the same rules
// with the number of nodes actually returned instead of first/last.

import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export const MUTATION_COST = 10;
export const CONNECTION_BASE_COST = 2;
export const SINGLE_QUERY_MAX_COST = 1000;

/** Types whose objects cost nothing (observed on live responses). */
export const DEFAULT_FREE_TYPES: ReadonlySet<string> = new Set(["MoneyV2", "MoneyBag", "TaxLine", "PageInfo"]);

interface CostContext {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  freeTypes: ReadonlySet<string>;
}

/** The type itself when it is a Relay connection type (…Connection with edges and pageInfo). */
function asConnection(type: GraphQLNamedType): GraphQLObjectType | undefined {
  if (!isObjectType(type) || !type.name.endsWith("Connection")) return undefined;
  const fields = type.getFields();
  return "pageInfo" in fields && "edges" in fields ? type : undefined;
}

function argumentValue(node: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  return literal(arg.value, variables);
}

function literal(value: ValueNode, variables: Record<string, unknown>): unknown {
  switch (value.kind) {
    case Kind.VARIABLE:
      return variables[value.name.value];
    case Kind.INT:
      return Number.parseInt(value.value, 10);
    case Kind.FLOAT:
      return Number.parseFloat(value.value);
    case Kind.BOOLEAN:
      return value.value;
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}

function isSkipped(node: { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] }, variables: Record<string, unknown>): boolean {
  for (const d of node.directives ?? []) {
    const ifArg = d.arguments?.find((a) => a.name.value === "if");
    const cond = ifArg ? literal(ifArg.value, variables) : undefined;
    if (d.name.value === "skip" && cond === true) return true;
    if (d.name.value === "include" && cond === false) return true;
  }
  return false;
}

/** Field nodes of a selection set that apply to a concrete object type (fragments expanded). */
function collectFields(ctx: CostContext, type: GraphQLObjectType, selectionSet: SelectionSetNode, out: FieldNode[] = []): FieldNode[] {
  for (const sel of selectionSet.selections) {
    if (isSkipped(sel, ctx.variables)) continue;
    if (sel.kind === Kind.FIELD) out.push(sel);
    else if (sel.kind === Kind.INLINE_FRAGMENT) {
      if (!sel.typeCondition || appliesTo(ctx, sel.typeCondition.name.value, type)) collectFields(ctx, type, sel.selectionSet, out);
    } else {
      const frag = ctx.fragments[sel.name.value];
      if (frag && appliesTo(ctx, frag.typeCondition.name.value, type)) collectFields(ctx, type, frag.selectionSet, out);
    }
  }
  return out;
}

function appliesTo(ctx: CostContext, condition: string, type: GraphQLObjectType): boolean {
  if (condition === type.name) return true;
  const cond = ctx.schema.getType(condition);
  return cond !== undefined && isAbstractType(cond) && ctx.schema.isSubType(cond, type);
}

/** Sub-selections found under `name` fields of a selection (e.g. every `edges { … }`). */
function childSelections(ctx: CostContext, type: GraphQLObjectType, selectionSet: SelectionSetNode, name: string): SelectionSetNode[] {
  return collectFields(ctx, type, selectionSet)
    .filter((f) => f.name.value === name && f.selectionSet)
    .map((f) => f.selectionSet as SelectionSetNode);
}

function objectCost(ctx: CostContext, typeName: string): number {
  return ctx.freeTypes.has(typeName) ? 0 : 1;
}

/** Requested cost of a selection on a (possibly abstract) type. */
function selectionCost(ctx: CostContext, type: GraphQLNamedType, selectionSet: SelectionSetNode): number {
  if (isAbstractType(type)) {
    let max = 0;
    for (const possible of ctx.schema.getPossibleTypes(type)) {
      max = Math.max(max, objectSelectionCost(ctx, possible, selectionSet));
    }
    return max;
  }
  if (isObjectType(type)) return objectSelectionCost(ctx, type, selectionSet);
  return 0;
}

function objectSelectionCost(ctx: CostContext, type: GraphQLObjectType, selectionSet: SelectionSetNode): number {
  let total = 0;
  for (const node of collectFields(ctx, type, selectionSet)) {
    const def = type.getFields()[node.name.value];
    if (!def) continue; // introspection meta-fields
    total += fieldCost(ctx, def, node);
  }
  return total;
}

/** Cost of one node of a connection: the max of `edges { node }` and `nodes` selections. */
function connectionNodeCost(ctx: CostContext, connection: GraphQLObjectType, selectionSet: SelectionSetNode): number {
  const nodesField = connection.getFields().nodes;
  const nodeType = nodesField ? getNamedType(nodesField.type) : undefined;
  if (!nodeType) return 0;
  const edgeField = connection.getFields().edges;
  const edgeType = edgeField ? getNamedType(edgeField.type) : undefined;
  let best = 0;
  for (const nodes of childSelections(ctx, connection, selectionSet, "nodes")) {
    best = Math.max(best, objectCost(ctx, nodeType.name) + selectionCost(ctx, nodeType, nodes));
  }
  if (edgeType && isObjectType(edgeType)) {
    for (const edges of childSelections(ctx, connection, selectionSet, "edges")) {
      for (const node of childSelections(ctx, edgeType, edges, "node")) {
        best = Math.max(best, objectCost(ctx, nodeType.name) + selectionCost(ctx, nodeType, node));
      }
    }
  }
  return best;
}

function fieldCost(ctx: CostContext, def: GraphQLField<unknown, unknown>, node: FieldNode): number {
  const named = getNamedType(def.type);
  if (isLeafType(named) || !node.selectionSet) return 0;
  const conn = asConnection(named);
  if (conn) {
    const first = argumentValue(node, "first", ctx.variables);
    const last = argumentValue(node, "last", ctx.variables);
    const size = typeof first === "number" ? first : typeof last === "number" ? last : 0;
    return CONNECTION_BASE_COST + Math.max(0, size) * connectionNodeCost(ctx, conn, node.selectionSet);
  }
  const own = isAbstractType(named) ? 1 : objectCost(ctx, named.name);
  return own + selectionCost(ctx, named, node.selectionSet);
}

export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  freeTypes?: ReadonlySet<string>;
}

/** requestedQueryCost of an operation. */
export function requestedQueryCost(input: CostInput): number {
  const ctx: CostContext = {
    schema: input.schema,
    fragments: input.fragments,
    variables: input.variables,
    freeTypes: input.freeTypes ?? DEFAULT_FREE_TYPES,
  };
  const root = rootType(input.schema, input.operation);
  if (!root) return 0;
  let total = 0;
  for (const node of collectFields(ctx, root, input.operation.selectionSet)) {
    const def = root.getFields()[node.name.value];
    if (!def) continue;
    if (input.operation.operation === "mutation") {
      const named = getNamedType(def.type);
      total += MUTATION_COST + (node.selectionSet ? selectionCost(ctx, named, node.selectionSet) : 0);
    } else total += fieldCost(ctx, def, node);
  }
  return total;
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLObjectType | null | undefined {
  if (operation.operation === "mutation") return schema.getMutationType();
  if (operation.operation === "subscription") return schema.getSubscriptionType();
  return schema.getQueryType();
}

// ---------------------------------------------------------------------------
// Actual cost: the same rules over the data that was returned.
// ---------------------------------------------------------------------------

/** actualQueryCost of an executed operation, given its `data`. */
export function actualQueryCost(input: CostInput & { data: Record<string, unknown> | null | undefined }): number {
  const ctx: CostContext = {
    schema: input.schema,
    fragments: input.fragments,
    variables: input.variables,
    freeTypes: input.freeTypes ?? DEFAULT_FREE_TYPES,
  };
  const root = rootType(input.schema, input.operation);
  if (!root || !input.data) return input.operation.operation === "mutation" ? requestedQueryCost(input) : 0;
  let total = 0;
  for (const node of collectFields(ctx, root, input.operation.selectionSet)) {
    const def = root.getFields()[node.name.value];
    if (!def) continue;
    const value = input.data[(node.alias ?? node.name).value];
    if (input.operation.operation === "mutation") {
      const named = getNamedType(def.type);
      total += MUTATION_COST + (node.selectionSet && value ? actualSelection(ctx, named, node.selectionSet, value) : 0);
    } else total += actualField(ctx, def, node, value);
  }
  return total;
}

function actualField(ctx: CostContext, def: GraphQLField<unknown, unknown>, node: FieldNode, value: unknown): number {
  const named = getNamedType(def.type);
  if (isLeafType(named) || !node.selectionSet) return 0;
  const connType = asConnection(named);
  if (connType) {
    if (!value || typeof value !== "object") return CONNECTION_BASE_COST;
    const conn = value as Record<string, unknown>;
    const items = connectionItems(ctx, connType, node.selectionSet, conn);
    const nodeField = connType.getFields().nodes;
    const nodeType = nodeField ? getNamedType(nodeField.type) : undefined;
    let sum = 0;
    for (const { data, selection } of items) {
      if (!nodeType) continue;
      sum += objectCost(ctx, nodeType.name) + actualSelection(ctx, nodeType, selection, data);
    }
    return CONNECTION_BASE_COST + sum;
  }
  if (value === null || value === undefined) return 0;
  const wrapped = isNonNullType(def.type) ? def.type.ofType : def.type;
  if (isListType(wrapped)) {
    // A plain list costs like one object: its heaviest element.
    const own = isAbstractType(named) ? 1 : objectCost(ctx, named.name);
    let max = 0;
    for (const item of Array.isArray(value) ? value : []) max = Math.max(max, actualSelection(ctx, named, node.selectionSet, item));
    return Array.isArray(value) && value.length === 0 ? own : own + max;
  }
  const own = isAbstractType(named) ? 1 : objectCost(ctx, named.name);
  return own + actualSelection(ctx, named, node.selectionSet, value);
}

function connectionItems(
  ctx: CostContext,
  connection: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  value: Record<string, unknown>,
): { data: unknown; selection: SelectionSetNode }[] {
  // Count returned nodes once: prefer `nodes`, else `edges[].node`.
  const fields = collectFields(ctx, connection, selectionSet);
  const nodesField = fields.find((f) => f.name.value === "nodes" && f.selectionSet);
  if (nodesField?.selectionSet) {
    const list = value[(nodesField.alias ?? nodesField.name).value];
    if (Array.isArray(list)) return list.map((data) => ({ data, selection: nodesField.selectionSet as SelectionSetNode }));
  }
  const edgesField = fields.find((f) => f.name.value === "edges" && f.selectionSet);
  const edgeType = getNamedType(connection.getFields().edges?.type ?? connection);
  if (edgesField?.selectionSet && isObjectType(edgeType)) {
    const list = value[(edgesField.alias ?? edgesField.name).value];
    const nodeField = collectFields(ctx, edgeType, edgesField.selectionSet).find((f) => f.name.value === "node" && f.selectionSet);
    if (Array.isArray(list) && nodeField?.selectionSet) {
      return list.map((edge: unknown) => ({
        data: edge && typeof edge === "object" ? (edge as Record<string, unknown>)[(nodeField.alias ?? nodeField.name).value] : null,
        selection: nodeField.selectionSet as SelectionSetNode,
      }));
    }
  }
  return [];
}

function actualSelection(ctx: CostContext, type: GraphQLNamedType, selectionSet: SelectionSetNode, value: unknown): number {
  if (!value || typeof value !== "object") return 0;
  const data = value as Record<string, unknown>;
  let concrete: GraphQLObjectType | undefined;
  if (isObjectType(type)) concrete = type;
  else if (isAbstractType(type)) {
    const typename = data.__typename;
    const candidate = typeof typename === "string" ? ctx.schema.getType(typename) : undefined;
    if (candidate && isObjectType(candidate)) concrete = candidate;
    else return selectionCost(ctx, type, selectionSet); // no __typename in the data: fall back to requested
  }
  if (!concrete) return 0;
  let total = 0;
  for (const node of collectFields(ctx, concrete, selectionSet)) {
    const def = concrete.getFields()[node.name.value];
    if (!def) continue;
    total += actualField(ctx, def, node, data[(node.alias ?? node.name).value]);
  }
  return total;
}
