// GET /healthz — for load balancers: 200 when the database answers, 503 when not.
import { checkHealth } from "~/services/health/check-health.server";

export const loader = async () => {
  const health = await checkHealth();
  return Response.json(health, { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
};
