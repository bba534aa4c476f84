// Shopify-shaped GraphQL errors.
//
// Shopify's Admin API runs graphql-ruby, whose static-validation messages and
// `extensions.code` values differ from graphql-js. The stand-in validates with
// graphql-js against the real schema, then rewrites each error into the shape
// Shopify returns (captured from live responses, API 2025-01):
//
//   { "message": "Field 'foo' doesn't exist on type 'Shop'",
//     "locations": [{ "line": 1, "column": 9 }],
//     "path": ["query GetShop", "shop", "foo"],
//     "extensions": { "code": "undefinedField", "typeName": "Shop", "fieldName": "foo" } }
//
// Static-validation failures are answered with HTTP 200, `errors` only: no
// `data`, no `extensions.cost`.

import {
  getNamedType,
  GraphQLError,
  isEnumType,
  Kind,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
  type Source,
} from "graphql";

export interface ShopifyErrorLocation {
  line: number;
  column: number;
}

export interface ShopifyGraphQLError {
  message: string;
  locations?: ShopifyErrorLocation[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

interface NodeInfo {
  /** graphql-ruby style path: ["query Name", "field", "sub"]. */
  path: (string | number)[];
  /** Innermost field name, its parent type, and the argument being read. */
  fieldName?: string;
  parentTypeName?: string;
  argumentName?: string;
  argumentType?: string;
  argumentValue?: ASTNode;
  inputTypeName?: string;
}

/** Maps every AST node of a document to where it sits (path, field, argument). */
function indexDocument(schema: GraphQLSchema, document: DocumentNode): Map<ASTNode, NodeInfo> {
  const index = new Map<ASTNode, NodeInfo>();
  const typeInfo = new TypeInfo(schema);
  const path: (string | number)[] = [];
  const fields: { name: string; parent?: string }[] = [];
  let argument: { name: string; type?: string; value: ASTNode } | undefined;
  const valuePath: string[] = [];

  const record = (node: ASTNode) => {
    const field = fields[fields.length - 1];
    const inputType = typeInfo.getInputType();
    index.set(node, {
      path: [...path, ...(argument ? [argument.name, ...valuePath] : [])],
      fieldName: field?.name,
      parentTypeName: field?.parent,
      argumentName: argument?.name,
      argumentType: argument?.type,
      argumentValue: argument?.value,
      inputTypeName: inputType ? getNamedType(inputType).name : undefined,
    });
  };

  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      enter(node) {
        switch (node.kind) {
          case Kind.OPERATION_DEFINITION:
            path.push(node.name ? `${node.operation} ${node.name.value}` : node.operation);
            break;
          case Kind.FRAGMENT_DEFINITION:
            path.push(`fragment ${node.name.value}`);
            break;
          case Kind.FIELD: {
            const parent = typeInfo.getParentType();
            path.push((node.alias ?? node.name).value);
            fields.push({ name: node.name.value, parent: parent?.name });
            break;
          }
          case Kind.ARGUMENT: {
            const def = typeInfo.getArgument();
            argument = { name: node.name.value, type: def ? String(def.type) : undefined, value: node.value };
            break;
          }
          case Kind.OBJECT_FIELD:
            valuePath.push(node.name.value);
            break;
          default:
            break;
        }
        record(node);
      },
      leave(node) {
        switch (node.kind) {
          case Kind.OPERATION_DEFINITION:
          case Kind.FRAGMENT_DEFINITION:
            path.pop();
            break;
          case Kind.FIELD:
            path.pop();
            fields.pop();
            break;
          case Kind.ARGUMENT:
            argument = undefined;
            break;
          case Kind.OBJECT_FIELD:
            valuePath.pop();
            break;
          default:
            break;
        }
      },
    }),
  );
  return index;
}

function locationsOf(error: GraphQLError): ShopifyErrorLocation[] | undefined {
  return error.locations?.map((l) => ({ line: l.line, column: l.column }));
}

/** Rewrites graphql-js validation errors as graphql-ruby/Shopify ones. */
export function toShopifyValidationErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  errors: readonly GraphQLError[],
): ShopifyGraphQLError[] {
  const index = indexDocument(schema, document);
  const out: ShopifyGraphQLError[] = [];
  const missingArgs = new Map<ASTNode, ShopifyGraphQLError & { names: string[] }>();

  for (const error of errors) {
    const node = error.nodes?.[0];
    const info: NodeInfo = (node && index.get(node)) ?? { path: [] };
    const locations = locationsOf(error);
    const msg = error.message;
    let m: RegExpExecArray | null;

    if ((m = /^Cannot query field "(.+?)" on type "(.+?)"\./.exec(msg))) {
      out.push({
        message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
        locations,
        path: info.path,
        extensions: { code: "undefinedField", typeName: m[2], fieldName: m[1] },
      });
    } else if ((m = /^Unknown argument "(.+?)" on field "(.+?)\.(.+?)"\./.exec(msg))) {
      out.push({
        message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
        locations,
        path: info.path,
        extensions: { code: "argumentNotAccepted", name: m[3], typeName: "Field", argumentName: m[1] },
      });
    } else if ((m = /^Unknown argument "(.+?)" on directive "@(.+?)"\./.exec(msg))) {
      out.push({
        message: `Directive '${m[2]}' doesn't accept argument '${m[1]}'`,
        locations,
        path: info.path,
        extensions: { code: "argumentNotAccepted", name: m[2], typeName: "Directive", argumentName: m[1] },
      });
    } else if ((m = /^Field "(.+?)" argument "(.+?)" of type ".+?" is required, but it was not provided\./.exec(msg))) {
      // graphql-ruby reports all missing arguments of one field in one error.
      const key = node ?? error;
      const existing = missingArgs.get(key as ASTNode);
      if (existing) {
        existing.names.push(m[2] ?? "");
        existing.message = `Field '${m[1]}' is missing required arguments: ${existing.names.join(", ")}`;
        (existing.extensions as Record<string, unknown>).arguments = existing.names.join(", ");
      } else {
        const entry = {
          names: [m[2] ?? ""],
          message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
          locations,
          path: info.path,
          extensions: { code: "missingRequiredArguments", className: "Field", name: m[1], arguments: m[2] },
        };
        missingArgs.set(key as ASTNode, entry);
        out.push(entry);
      }
    } else if ((m = /^Field "(.+?)" of type "(.+?)" must have a selection of subfields/.exec(msg))) {
      const typeName = (m[2] ?? "").replace(/[[\]!]/g, "");
      out.push({
        message: `Field must have selections (field '${m[1]}' returns ${typeName} but has no selections. Did you mean '${m[1]} { ... }'?)`,
        locations,
        path: info.path,
        extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName },
      });
    } else if ((m = /^Field "(.+?)" must not have a selection since type "(.+?)" has no subfields\./.exec(msg))) {
      const typeName = (m[2] ?? "").replace(/[[\]!]/g, "");
      const type = schema.getType(typeName);
      const kind = type && isEnumType(type) ? "enums" : "scalars";
      const selected =
        node && node.kind === Kind.FIELD && node.selectionSet
          ? node.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : print(s))).join(", ")
          : "";
      out.push({
        message: `Selections can't be made on ${kind} (field '${m[1]}' returns ${typeName} but has selections [${selected}])`,
        locations,
        path: info.path,
        extensions: { code: "selectionMismatch", nodeName: `field '${m[1]}'`, typeName },
      });
    } else if ((m = /^Field "(.+?)" is not defined by type "(.+?)"\./.exec(msg))) {
      out.push({
        message: `InputObject '${m[2]}' doesn't accept argument '${m[1]}'`,
        locations,
        path: info.path,
        extensions: { code: "argumentNotAccepted", name: m[2], typeName: "InputObject", argumentName: m[1] },
      });
    } else if ((m = /^Field "(.+?)\.(.+?)" of required type "(.+?)" was not provided\./.exec(msg))) {
      out.push({
        message: `Argument '${m[2]}' on InputObject '${m[1]}' is required. Expected type ${m[3]}`,
        locations,
        path: [...info.path, m[2] ?? ""],
        extensions: { code: "missingRequiredInputObjectAttribute", argumentName: m[2], argumentType: m[3], inputObjectType: m[1] },
      });
    } else if (
      /^Expected value of type|cannot represent|does not exist in ".+" enum|^Expected type/.test(msg) &&
      info.argumentName !== undefined
    ) {
      const value = info.argumentValue ? print(info.argumentValue) : "";
      const expected = (info.argumentType ?? "").replace(/!$/, "");
      out.push({
        message: `Argument '${info.argumentName}' on Field '${info.fieldName ?? ""}' has an invalid value (${value}). Expected type '${expected}'.`,
        locations,
        path: info.path.slice(0, pathToArgument(info)),
        extensions: { code: "argumentLiteralsIncompatible", typeName: "Field", argumentName: info.argumentName },
      });
    } else if ((m = /^Variable "\$(.+?)" is never used(?: in operation "(.+?)")?\./.exec(msg))) {
      out.push({
        message: `Variable $${m[1]} is declared by ${m[2] ?? "anonymous query"} but not used`,
        locations,
        path: info.path.slice(0, 1),
        extensions: { code: "variableNotUsed", variableName: m[1] },
      });
    } else if ((m = /^Variable "\$(.+?)" is not defined(?: by operation "(.+?)")?\./.exec(msg))) {
      out.push({
        message: `Variable $${m[1]} is used by ${m[2] ?? "anonymous query"} but not declared`,
        locations,
        path: info.path,
        extensions: { code: "variableNotDefined", variableName: m[1] },
      });
    } else if ((m = /^Variable "\$(.+?)" of type "(.+?)" used in position expecting type "(.+?)"\./.exec(msg))) {
      const sameNamed = (m[2] ?? "").replace(/[!]/g, "") === (m[3] ?? "").replace(/[!]/g, "");
      const kind = sameNamed ? "Nullability mismatch" : "Type mismatch";
      out.push({
        message: `${kind} on variable $${m[1]} and argument ${info.argumentName ?? ""} (${m[2]} / ${m[3]})`,
        locations,
        path: info.argumentName ? [...info.path.slice(0, pathToArgument(info)), info.argumentName] : info.path,
        extensions: { code: "variableMismatch", variableName: m[1], typeName: m[2], argumentName: info.argumentName, errorMessage: kind },
      });
    } else if ((m = /^Variable "\$(.+?)" cannot be non-input type "(.+?)"\./.exec(msg))) {
      out.push({
        message: `${m[2]} isn't a valid input type (on $${m[1]})`,
        locations,
        path: info.path,
        extensions: { code: "variableRequiresValidType", typeName: m[2], variableName: m[1] },
      });
    } else if ((m = /^Unknown type "(.+?)"\./.exec(msg))) {
      const varDef = node && findVariableName(document, node);
      out.push(
        varDef
          ? {
              message: `${m[1]} isn't a defined input type (on $${varDef})`,
              locations,
              path: info.path,
              extensions: { code: "variableRequiresValidType", typeName: m[1], variableName: varDef },
            }
          : {
              message: `No such type ${m[1]}, so it can't be a fragment condition`,
              locations,
              path: info.path,
              extensions: { code: "undefinedType", typeName: m[1] },
            },
      );
    } else if ((m = /^Unknown fragment "(.+?)"\./.exec(msg))) {
      out.push({
        message: `Fragment ${m[1]} was used, but not defined`,
        locations,
        path: info.path,
        extensions: { code: "useAndDefineFragment", fragmentName: m[1] },
      });
    } else if ((m = /^Fragment "(.+?)" is never used\./.exec(msg))) {
      out.push({
        message: `Fragment ${m[1]} was defined, but not used`,
        locations,
        path: info.path,
        extensions: { code: "useAndDefineFragment", fragmentName: m[1] },
      });
    } else if ((m = /^Unknown directive "@(.+?)"\./.exec(msg))) {
      out.push({
        message: `Directive @${m[1]} is not defined`,
        locations,
        path: info.path,
        extensions: { code: "undefinedDirective", directiveName: m[1] },
      });
    } else if ((m = /^There can be only one operation named "(.+?)"\./.exec(msg))) {
      out.push({
        message: `Operation name "${m[1]}" must be unique`,
        locations,
        path: info.path,
        extensions: { code: "operationNotUnique", operationName: m[1] },
      });
    } else {
      out.push({ message: msg, locations, path: info.path.length > 0 ? info.path : undefined, extensions: { code: "validationError" } });
    }
  }
  return out;
}

/** Length of info.path up to and including the field that owns the argument. */
function pathToArgument(info: NodeInfo): number {
  if (info.argumentName === undefined) return info.path.length;
  const idx = info.path.lastIndexOf(info.argumentName);
  return idx >= 0 ? idx + 1 : info.path.length;
}

function findVariableName(document: DocumentNode, target: ASTNode): string | undefined {
  let found: string | undefined;
  visit(document, {
    VariableDefinition(def) {
      let inside = false;
      visit(def.type, {
        enter(n) {
          if (n === target) inside = true;
        },
      });
      if (inside) found = def.variable.name.value;
    },
  });
  return found;
}

/** graphql-js syntax error → Shopify's PARSE_ERROR. */
export function toShopifyParseError(error: GraphQLError, source: Source | string): ShopifyGraphQLError {
  const loc = error.locations?.[0] ?? { line: 1, column: 1 };
  const body = typeof source === "string" ? source : source.body;
  const found = /found (.+?)\.?$/.exec(error.message)?.[1];
  let unexpected: string;
  if (!found || found === "<EOF>") unexpected = "end of file";
  else {
    const token = found.replace(/^"|"$/g, "");
    const names: Record<string, string> = {
      "{": "LCURLY",
      "}": "RCURLY",
      "(": "LPAREN",
      ")": "RPAREN",
      "[": "LBRACKET",
      "]": "RBRACKET",
      ":": "COLON",
      $: "VAR_SIGN",
      "=": "EQUALS",
      "!": "BANG",
      "...": "ELLIPSIS",
      "@": "DIR_SIGN",
      "|": "PIPE",
      "&": "AMP",
    };
    unexpected = names[token] ? `${names[token]} ("${token}")` : `IDENTIFIER ("${token}")`;
  }
  void body;
  return {
    message: `syntax error, unexpected ${unexpected} at [${loc.line}, ${loc.column}]`,
    locations: [{ line: loc.line, column: loc.column }],
    extensions: { code: "PARSE_ERROR" },
  };
}

/** An execution-time error in Shopify's shape (message, locations, path, extensions). */
export function toShopifyExecutionError(error: GraphQLError): ShopifyGraphQLError {
  const out: ShopifyGraphQLError = { message: error.message };
  const locations = locationsOf(error);
  if (locations) out.locations = locations;
  if (error.path) out.path = [...error.path];
  if (error.extensions && Object.keys(error.extensions).length > 0) out.extensions = { ...error.extensions };
  return out;
}

/** A resolver error carrying a Shopify `extensions.code`. */
export class ShopifyResolverError extends GraphQLError {
  constructor(message: string, code: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}
