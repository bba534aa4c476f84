// Accounts: `GET /v1/account` (the caller's own) and `GET /v1/accounts/:id`
// (itself, or a connected account when the platform asks).

import type Stripe from "stripe";
import { StripeApiError } from "../errors.js";
import { validateParams } from "../params.js";
import type { AccountRecord } from "../types.js";
import { pathId, type Handler } from "./context.js";

function renderAccount(a: AccountRecord): Stripe.Account {
  return {
    id: a.id,
    object: "account",
    business_profile: {
      mcc: null,
      minority_owned_business_designation: null,
      name: a.businessName,
      specified_commercial_transactions_act_url: null,
      support_address: null,
      support_email: a.email,
      support_phone: null,
      support_url: null,
      url: null,
    },
    business_type: "company",
    charges_enabled: true,
    country: a.country,
    created: a.created,
    default_currency: a.defaultCurrency,
    details_submitted: true,
    email: a.email,
    metadata: {},
    payouts_enabled: true,
    type: "standard",
  };
}

export const retrieveCurrent: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  return { body: renderAccount(ctx.account) };
};

export const retrieve: Handler = (ctx) => {
  validateParams({}, ctx.raw);
  const id = pathId(ctx);
  const target = ctx.world.store.accounts.get(id);
  const self = ctx.account.id === id;
  const platformSeesConnected = ctx.account.isPlatform && target?.connected;
  if (!target || !(self || platformSeesConnected)) {
    throw new StripeApiError(403, {
      type: "invalid_request_error",
      code: "account_invalid",
      message: `The provided key does not have access to account '${id}' (or that account does not exist). Application access may have been revoked.`,
    });
  }
  return { body: renderAccount(target) };
};
