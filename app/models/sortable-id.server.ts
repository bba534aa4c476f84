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
  return `c${time}${sequence}${randomBase36()}`;
}

/**
 * Random bytes drawn from the system in blocks, 8 per id: the worker makes
 * several ids per invoice, and a call to the system's generator (plus a
 * BigInt parse of its hex) for each showed in its profile.
 */
const RANDOM_BLOCK_BYTES = 4096;
let randomBlock = Buffer.alloc(0);
let randomOffset = 0;

/** BASE36_RANDOM_LENGTH base-36 digits from 62 random bits (two 31-bit halves, 6 digits each). */
function randomBase36(): string {
  if (randomOffset + 8 > randomBlock.length) {
    randomBlock = randomBytes(RANDOM_BLOCK_BYTES);
    randomOffset = 0;
  }
  const high = randomBlock.readUInt32BE(randomOffset) >>> 1;
  const low = randomBlock.readUInt32BE(randomOffset + 4) >>> 1;
  randomOffset += 8;
  const half = BASE36_RANDOM_LENGTH / 2; // 2^31 < 36^6: each half fits its 6 digits
  return high.toString(36).padStart(half, "0") + low.toString(36).padStart(half, "0");
}
