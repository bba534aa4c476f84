// The house rules are enforced by `npm run lint` (eslint.boundaries.js): this
// lints one deliberate violation per rule with the project's real ESLint
// configuration, as if the fixture stood at a path inside its layer, and
// fails if the rule lets it through. Each fixture also has an allowed import,
// which must stay clean, so a rule that forbids everything fails too.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { LAYERS } from "../../eslint.boundaries.js";

const root = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: root });

/** [layer, where the fixture pretends to stand, an import the layer must refuse, an import it must allow]. */
const CASES: [layer: string, filePath: string, forbidden: string, allowed: string][] = [
  ["domain", "app/domain/fixture.ts", 'import { prisma } from "~/db.server";', 'import { Temporal } from "temporal-polyfill";'],
  ["domain", "app/domain/fixture.ts", 'import { findTemplate } from "~/models/template.server";', 'import { parseMoney } from "./money";'],
  ["domain", "app/domain/fixture.ts", 'import type { Shop } from "@prisma/client";', 'import type { Clock } from "~/domain/clock";'],
  ["domain", "app/domain/fixture.ts", 'import { logger } from "../logger.server";', 'import { parseMoney } from "~/domain/money";'],
  ["models", "app/models/fixture.server.ts", 'import { createTemplate } from "~/services/templates/create.server";', 'import prisma from "~/db.server";'],
  ["models", "app/models/fixture.server.ts", 'import { runAdminQuery } from "~/gateways/shopify/graphql.server";', 'import type { Clock } from "~/domain/clock";'],
  ["models", "app/models/fixture.server.ts", 'import { t } from "../i18n";', 'import { Prisma } from "@prisma/client";'],
  ["gateways", "app/gateways/stripe/fixture.server.ts", 'import { findTemplate } from "~/models/template.server";', 'import { BillingError } from "~/domain/billing";'],
  ["gateways", "app/gateways/stripe/fixture.server.ts", 'import prisma from "~/db.server";', 'import { logger } from "~/logger.server";'],
  ["gateways", "app/gateways/shopify/fixture.server.ts", 'import { redactCustomer } from "../../services/privacy/redact-customer.server";', 'import { config } from "~/config.server";'],
  ["services", "app/services/templates/fixture.server.ts", 'import { loader } from "~/routes/app._index";', 'import { findTemplate } from "~/models/template.server";'],
  ["services", "app/services/templates/fixture.server.ts", 'import Stripe from "stripe";', 'import { stripeClient } from "~/gateways/stripe/client.server";'],
  ["worker", "app/worker/fixture.ts", 'import { StripeClient } from "~/gateways/stripe/client.server";', 'import { issueRun } from "~/services/invoicing/issue-run.server";'],
  ["http", "app/http/fixture.server.ts", 'import { loader } from "~/routes/verify";', 'import { resolveLocale } from "~/i18n";'],
  ["routes", "app/routes/fixture.tsx", 'import prisma from "~/db.server";', 'import { authenticate } from "~/shopify.server";'],
  ["routes", "app/routes/fixture.tsx", 'import { findTemplate } from "~/models/template.server";', 'import { SectionCard } from "~/components/SectionCard";'],
  ["routes", "app/routes/fixture.tsx", 'import { ShopifyGraphqlError } from "~/gateways/shopify/graphql.server";', 'import { orNotFound } from "~/http/not-found.server";'],
  ["components", "app/components/fixture.tsx", 'import { createTemplate } from "~/services/templates/create.server";', 'import { useI18n } from "~/i18n/react";'],
  ["components", "app/components/template/fixture.tsx", 'import { loadTemplatePage } from "~/services/templates/detail-page.server";', 'import type { RunView } from "~/services/templates/detail-page.server";'],
  ["services", "app/services/stripe-webhooks/fixture.server.ts", 'import Stripe from "stripe";', 'import type Stripe from "stripe";'],
  ["services", "app/services/templates/fixture.server.ts", 'import prisma from "~/db.server";', 'import { inTransaction } from "~/models/transaction.server";'],
  ["services", "app/services/templates/fixture.server.ts", 'import { Prisma } from "@prisma/client";', 'import type { Shop } from "@prisma/client";'],
  ["components", "app/components/template/fixture.tsx", 'import { config } from "~/config.server";', 'import { formatMoney } from "~/domain/money";'],
];

async function restrictedImportMessages(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return result!.messages.filter((message) => message.ruleId === "@typescript-eslint/no-restricted-imports").map((message) => message.message);
}

describe("npm run lint enforces the layers of ARCHITECTURE.md", () => {
  it("has a fixture for every layer the configuration declares", () => {
    expect(new Set(CASES.map(([layer]) => layer))).toEqual(new Set(LAYERS.map(({ layer }) => layer)));
  });

  it.each(CASES)("%s: refuses a forbidden import in %s, allows a legitimate one", async (layer, filePath, forbidden, allowed) => {
    const refused = await restrictedImportMessages(`${forbidden}\nexport const used = [${importedName(forbidden)}];\n`, filePath);
    expect(refused, `${forbidden} in ${filePath}`).not.toEqual([]);
    for (const message of refused) expect(message).toContain(`[${layer}]`);
    expect(await restrictedImportMessages(`${allowed}\nexport const used = [${importedName(allowed)}];\n`, filePath), `${allowed} in ${filePath}`).toEqual([]);
  });
});

/** The local name an import statement binds, so the fixture uses it (no unused-import noise). */
function importedName(statement: string): string {
  const match = /^import (?:type )?(?:\{ ?(?:type )?(\w+)[^}]*\}|(\w+))/.exec(statement);
  if (!match) throw new Error(`cannot read the imported name of ${statement}`);
  return match[1] ?? match[2]!;
}
