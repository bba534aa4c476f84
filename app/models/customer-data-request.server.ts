// Customer data requests (customers/data_request): one row per report of what
// the app holds about a customer, kept for the merchant. A report contains
// that customer's personal data, so the rows are themselves registered in
// app/services/privacy/registry.server.ts.
import type { Prisma } from "@prisma/client";
import prisma from "~/db.server";
import type { CustomerSubject } from "~/domain/customer-subject";

type Tx = Prisma.TransactionClient;

function subjectWhere(shopId: string, subject: CustomerSubject): Prisma.CustomerDataRequestWhereInput | null {
  const or: Prisma.CustomerDataRequestWhereInput[] = [];
  if (subject.shopifyCustomerId) or.push({ shopifyCustomerId: subject.shopifyCustomerId });
  if (subject.email) or.push({ customerEmail: subject.email });
  return or.length > 0 ? { shopId, OR: or } : null;
}

/** Records a report (stored as JSON) about `subject` for the shop. */
export async function insertCustomerDataRequest(shopId: string, subject: CustomerSubject, report: object, db: Tx = prisma): Promise<void> {
  await db.customerDataRequest.create({
    data: {
      shopId,
      shopifyCustomerId: subject.shopifyCustomerId ?? null,
      customerEmail: subject.email ?? null,
      report: JSON.stringify(report),
    },
  });
}

/** The earlier requests about `subject`, oldest first (their ids and times only). */
export function listCustomerDataRequestsOf(
  shopId: string,
  subject: CustomerSubject,
  db: Tx = prisma,
): Promise<{ id: string; createdAt: Date }[]> {
  const where = subjectWhere(shopId, subject);
  if (!where) return Promise.resolve([]);
  return db.customerDataRequest.findMany({ where, orderBy: { createdAt: "asc" }, select: { id: true, createdAt: true } });
}

/** Deletes the requests about `subject`; returns how many. */
export async function deleteCustomerDataRequestsOf(shopId: string, subject: CustomerSubject, db: Tx = prisma): Promise<number> {
  const where = subjectWhere(shopId, subject);
  if (!where) return 0;
  const { count } = await db.customerDataRequest.deleteMany({ where });
  return count;
}
