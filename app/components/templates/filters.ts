// The status tabs of the recurring-invoice list, in order: the route reads
// `?status=` with them, the list shows them as tabs.
export const TEMPLATE_FILTERS = ["all", "active", "paused", "ended", "cancelled"] as const;
export type TemplateFilter = (typeof TEMPLATE_FILTERS)[number];
