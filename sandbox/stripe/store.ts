// In-memory state of the stand-in. Every object lives in exactly one account
// (the platform or a connected account); lookups are always scoped by account,
// which is what makes `Stripe-Account` isolation hold.

import type {
  AccountRecord,
  CouponRecord,
  CreditNoteRecord,
  InvoiceItemRecord,
  InvoiceRecord,
  SentEmail,
  Stored,
  TaxRateRecord,
  WireCustomer,
  WireDiscount,
  WireEvent,
  WireProduct,
} from "./types.js";

export class AccountData {
  readonly customers = new Map<string, Stored<WireCustomer>>();
  /** Deleted customers still answer retrieve with `{ id, object, deleted: true }`. */
  readonly deletedCustomers = new Set<string>();
  readonly taxRates = new Map<string, TaxRateRecord>();
  readonly coupons = new Map<string, CouponRecord>();
  readonly products = new Map<string, Stored<WireProduct>>();
  readonly discounts = new Map<string, Stored<WireDiscount>>();
  readonly invoiceItems = new Map<string, InvoiceItemRecord>();
  readonly invoices = new Map<string, InvoiceRecord>();
  readonly creditNotes = new Map<string, CreditNoteRecord>();
  readonly events = new Map<string, Stored<WireEvent>>();
}

export interface AccessToken {
  token: string;
  account: string;
  refreshToken: string;
  revoked: boolean;
}

export interface AuthorizationCode {
  code: string;
  account: string;
  scope: string;
  createdAt: number;
  used: boolean;
}

export class Store {
  readonly accounts = new Map<string, AccountRecord>();
  private readonly data = new Map<string, AccountData>();
  /** Invoice id → account id, for the hosted pages (which carry no account header). */
  readonly invoiceIndex = new Map<string, string>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly authorizationCodes = new Map<string, AuthorizationCode>();
  /** Invoice e-mails, oldest first (every account). */
  readonly emails: SentEmail[] = [];
  platformId = "";
  private seqCounter = 0;

  nextSeq(): number {
    return ++this.seqCounter;
  }

  addAccount(account: AccountRecord): void {
    this.accounts.set(account.id, account);
    if (!this.data.has(account.id)) this.data.set(account.id, new AccountData());
  }

  of(accountId: string): AccountData {
    let d = this.data.get(accountId);
    if (!d) {
      d = new AccountData();
      this.data.set(accountId, d);
    }
    return d;
  }

  platform(): AccountRecord {
    const p = this.accounts.get(this.platformId);
    if (!p) throw new Error("stand-in has no platform account");
    return p;
  }

  clear(): void {
    this.accounts.clear();
    this.data.clear();
    this.invoiceIndex.clear();
    this.accessTokens.clear();
    this.authorizationCodes.clear();
    this.emails.length = 0;
    this.seqCounter = 0;
  }
}

/** Newest first, as Stripe lists: by `created` descending, then insertion order descending. */
export function newestFirst<T extends { seq: number }>(items: Iterable<T>, created: (item: T) => number): T[] {
  return [...items].sort((a, b) => created(b) - created(a) || b.seq - a.seq);
}
