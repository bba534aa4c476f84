// Ids for rows written with hand-written SQL, where Prisma's `@default(cuid())`
// does not apply. Same shape as Prisma's cuids (25 characters, starting with
// "c", then the time in base 36), and increasing within a process: the audit
// trail orders events of the same instant by id, so events written together
// keep the order they were given in.
import { randomBytes } from "node:crypto";

const BASE36_RANDOM_LENGTH = 12;
let lastMillis = 0;
let counter = 0;

export function sortableId(nowMillis = Date.now()): string {
  if (nowMillis > lastMillis) {
    lastMillis = nowMillis;
    counter = 0;
  } else {
    // Same millisecond (or a clock that went back): keep increasing from the last id.
    counter += 1;
  }
  const time = lastMillis.toString(36).padStart(8, "0");
  const sequence = counter.toString(36).padStart(4, "0");
  const random = BigInt(`0x${randomBytes(8).toString("hex")}`).toString(36).padStart(BASE36_RANDOM_LENGTH, "0").slice(-BASE36_RANDOM_LENGTH);
  return `c${time}${sequence}${random}`;
}
