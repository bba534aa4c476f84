// Settings → Legal identity, through the real route modules (session tokens,
// SQLite): what the merchant saves is what later e-invoices carry, and a
// typo in an identifier is refused on the field that holds it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as identityAction } from "~/routes/app.settings.legal-identity";
import { loader as settingsLoader } from "~/routes/app.settings";
import { DEMO_SHOP_DOMAIN, routeShopifyAdminTo, startShopifyStandIn, type ShopifyStandIn } from "../../sandbox/shopify";
import { callRoute, routeAnswer } from "../helpers/remix";
import { adminFetchRequest, mintSessionToken } from "../helpers/shopify";

let standIn: ShopifyStandIn;
let unroute: () => void;

beforeAll(async () => {
  standIn = await startShopifyStandIn();
  unroute = routeShopifyAdminTo(standIn.url);
});

afterAll(async () => {
  unroute();
  await standIn.close();
});

const post = (fields: Record<string, string>) =>
  callRoute(identityAction, adminFetchRequest("/app/settings/legal-identity", mintSessionToken(DEMO_SHOP_DOMAIN), { method: "POST", body: new URLSearchParams(fields) }));

type Saved = { ok: boolean; errors: Record<string, string> };

const valid = {
  name: "Atelier Ritournelle",
  legalForm: "SAS au capital de 10 000 €",
  siren: "732 829 320",
  siret: "732 829 320 00074",
  vatNumber: "FR 44 732829320",
  line1: "12 rue des Petites Écuries",
  postalCode: "75010",
  city: "Paris",
  country: "fr",
  electronicAddress: "732829320",
  vatOnDebits: "on",
};

describe("Settings → Legal identity", () => {
  it("refuses identifiers whose keys are wrong, on the field to fix, and stores nothing", async () => {
    const refused = routeAnswer<Saved>(await post({ ...valid, siren: "732829321", siret: "55210055400013", vatNumber: "FR45732829320", city: "" }));
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toMatchObject({ siren: "siren_key", city: "required" });
    const page = (await callRoute(settingsLoader, adminFetchRequest("/app/settings", mintSessionToken(DEMO_SHOP_DOMAIN)))) as { settings: { legalIdentity?: unknown } };
    expect(page.settings.legalIdentity).toBeUndefined();
  });

  it("refuses a SIRET of another company and a VAT number of another SIREN", async () => {
    const refused = routeAnswer<Saved>(await post({ ...valid, siret: "55210055400013", vatNumber: "FR96552100554" }));
    expect(refused.body.errors).toEqual({ siret: "siret_not_of_siren", vatNumber: "vat_number_not_of_siren" });
  });

  it("stores a valid identity without the spaces typed, and the settings page shows it", async () => {
    expect(routeAnswer<Saved>(await post(valid)).body.ok).toBe(true);
    const page = (await callRoute(settingsLoader, adminFetchRequest("/app/settings", mintSessionToken(DEMO_SHOP_DOMAIN)))) as { settings: { legalIdentity?: unknown } };
    expect(page.settings.legalIdentity).toEqual({
      name: "Atelier Ritournelle",
      legalForm: "SAS au capital de 10 000 €",
      siren: "732829320",
      siret: "73282932000074",
      vatNumber: "FR44732829320",
      address: { line1: "12 rue des Petites Écuries", postalCode: "75010", city: "Paris", country: "FR" },
      electronicAddress: "732829320",
      vatOnDebits: true,
    });
  });
});
