// Tenant sealing at the edge: an id that is not the shop's (or not at all)
// answers 404, never a hint that it exists elsewhere.
import { NotFoundError } from "~/domain/errors";

/** Runs `work`; a NotFoundError from it becomes a thrown 404 Response (Remix renders the boundary). */
export async function orNotFound<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NotFoundError) throw new Response("Not found", { status: 404 });
    throw error;
  }
}
