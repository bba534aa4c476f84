// The house rules of ../shared/ARCHITECTURE.md as lint rules: which layer may
// import which. Each layer is a folder of app/; a file matches exactly one
// layer (ESLint applies the last `@typescript-eslint/no-restricted-imports` that matches a file,
// so layers must not overlap). tests/unit/lint-boundaries.test.ts lints a
// deliberate violation of each rule and fails if the rule lets it through.

/** An import of `~/<folder>/…`. */
const folder = (name) => `^~/${name}(/|$)`;
/** An import of a top-level app module, `~/<name>`. */
const module = (name) => `^~/${name}$`;
/**
 * Across folders, imports go through `~/`: a `../` path could cross a layer
 * without naming it, so it is refused everywhere in app/ (`./` stays for a
 * file's own folder).
 */
const NO_PARENT_PATHS = { regex: "^\\.\\./", why: "import across folders with `~/…` (so the layer is visible), not with `../`." };

const SERVER_LAYERS = ["models", "gateways", "services", "worker", "http", "routes"];

/**
 * `types: true`: a type-only import (`import type`) is allowed — it is erased
 * at build and calls nothing; only values cross the boundary at run time.
 * @type {{ layer: string, files: string[], forbidden: { regex: string, why: string, types?: boolean }[] }[]}
 */
export const LAYERS = [
  {
    layer: "domain",
    files: ["app/domain/**/*.{ts,tsx}"],
    forbidden: [
      { regex: "^~/(?!domain(/|$))", why: "domain/ is pure TypeScript: it imports nothing outside domain/ (pass what it needs as arguments)." },
      { regex: "^@prisma/", why: "domain/ knows no database: declare the shape it needs as a domain type." },
      { regex: "^stripe$|^@shopify/", why: "domain/ knows no provider SDK: gateways/ translate to and from domain types." },
    ],
  },
  {
    layer: "models",
    files: ["app/models/**/*.{ts,tsx}"],
    forbidden: [
      ...["services", "gateways", "worker", "http", "routes", "components", "i18n"].map((name) => ({
        regex: folder(name),
        why: `models/ import only domain/ and the database client, never ${name}/.`,
      })),
      { regex: module("shopify\\.server"), why: "models/ import only domain/ and the database client." },
      { regex: "^stripe$|^@shopify/", why: "models/ import no provider SDK." },
    ],
  },
  {
    layer: "gateways",
    files: ["app/gateways/**/*.{ts,tsx}"],
    forbidden: [
      ...["models", "services", "worker", "http", "routes", "components"].map((name) => ({
        regex: folder(name),
        why: `gateways/ import only domain/, config and logging, never ${name}/ (a gateway never calls a model: the service passes it stores).`,
      })),
      { regex: module("db\\.server"), why: "gateways/ never touch the database: the service passes them stores." },
      { regex: "^@prisma/client", why: "gateways/ never touch the database: the service passes them stores." },
    ],
  },
  {
    layer: "services",
    files: ["app/services/**/*.{ts,tsx}"],
    forbidden: [
      { regex: folder("routes"), why: "services/ are below routes: a route calls a service, never the reverse." },
      { regex: folder("components"), why: "services/ return data; pages and components render it." },
      { regex: folder("worker"), why: "the worker's loop calls services, never the reverse." },
      { regex: "^stripe$", why: "services reach Stripe through gateways/stripe, never through the SDK directly (import type of an SDK type is fine).", types: true },
      { regex: module("db\\.server"), why: "every query lives in models/; a use case opens its transaction with inTransaction (models/transaction.server)." },
      { regex: "^@prisma/client$", why: "every query lives in models/ (import type of a row type is fine).", types: true },
    ],
  },
  {
    layer: "worker",
    files: ["app/worker/**/*.{ts,tsx}"],
    forbidden: [
      ...["routes", "components", "http", "gateways"].map((name) => ({
        regex: folder(name),
        why: `worker/ is the loop only (claim → plan → drive runs): the work lives in services/, never in ${name}/.`,
      })),
      { regex: "^stripe$|^@prisma/client$", why: "worker/ is the loop only: SDK and database calls live in gateways/ and models/ (import type is fine).", types: true },
    ],
  },
  {
    layer: "http",
    files: ["app/http/**/*.{ts,tsx}"],
    forbidden: [
      ...["routes", "components", "worker", "gateways"].map((name) => ({ regex: folder(name), why: `http/ is request plumbing for routes: it never imports ${name}/.` })),
      { regex: "^stripe$", why: "http/ is request plumbing: no provider SDK." },
    ],
  },
  {
    layer: "routes",
    files: ["app/routes/**/*.{ts,tsx}"],
    forbidden: [
      ...["models", "gateways", "worker"].map((name) => ({
        regex: folder(name),
        why: `routes call services (and render components), never ${name}/ directly.`,
      })),
      { regex: module("db\\.server"), why: "routes never call Prisma: they call a service." },
      { regex: "^@prisma/client$|^stripe$", why: "routes never call Prisma or an SDK directly: they call a service." },
    ],
  },
  {
    layer: "components",
    files: ["app/components/**/*.{ts,tsx}"],
    forbidden: [
      ...SERVER_LAYERS.filter((name) => name !== "services").map((name) => ({ regex: folder(name), why: `components/ render what a route hands them; they never import ${name}/.` })),
      // A page's view types are declared by the service that loads them: a
      // type-only import is erased from the browser bundle, a value import is not.
      { regex: folder("services"), why: "components/ render what a route hands them: they may import a service's view types (import type), never its code.", types: true },
      { regex: "\\.server$", why: "components/ run in the browser: no server-only module (import type of a view type is fine).", types: true },
      { regex: "^@prisma/client$|^stripe$", why: "components/ run in the browser: no database or SDK." },
    ],
  },
];

const restrict = (layer, forbidden) => ({
  "@typescript-eslint/no-restricted-imports": [
    "error",
    { patterns: [NO_PARENT_PATHS, ...forbidden].map(({ regex, why, types }) => ({ regex, message: `[${layer}] ${why}`, allowTypeImports: Boolean(types) })) },
  ],
});

/** Flat-config blocks: app/ as a whole, then one per layer (each repeats the app-wide rule, as the last match wins). */
export const boundaries = [
  { name: "boundaries/app", files: ["app/**/*.{ts,tsx}"], rules: restrict("app", []) },
  ...LAYERS.map(({ layer, files, forbidden }) => ({ name: `boundaries/${layer}`, files, rules: restrict(layer, forbidden) })),
];
