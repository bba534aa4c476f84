// The template's size limits, apart from its schema (./template-input.ts,
// which says what each one bounds): ./billing.ts needs them, and the pages
// that show runs reach billing.ts without needing zod or the recurrence engine.

/** Most lines one template may have (see ./template-input.ts). */
export const MAX_TEMPLATE_LINES = 200;
