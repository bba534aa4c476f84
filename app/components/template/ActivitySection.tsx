// The template's audit trail, newest first: what happened, to which period,
// when (in the shop's time zone), by whom, and why when it was a skip.
import { Box, InlineStack, Text } from "@shopify/polaris";
import { SectionCard } from "~/components/SectionCard";
import { formatCivilDate, formatDateTime } from "~/i18n/format";
import { useI18n } from "~/i18n/react";
import type { EventView } from "~/services/templates/detail-page.server";
import { actorLabel, causeKey, eventText } from "./event-labels";

export function ActivitySection({ events, timeZone }: { events: EventView[]; timeZone: string }) {
  const { t, locale } = useI18n();
  return (
    <SectionCard heading={t("template.events.heading")}>
      {events.length === 0 ? (
        <Text as="p" tone="subdued">
          {t("template.events.empty")}
        </Text>
      ) : (
        events.map((event) => {
          const cause = causeKey(event.cause);
          return (
            <Box key={event.id}>
              <InlineStack align="space-between" gap="200">
                <Text as="span">
                  {eventText(t, event)}
                  {event.periodDate && ` — ${formatCivilDate(event.periodDate, locale)}`}
                </Text>
                <Text as="span" tone="subdued" variant="bodySm">
                  {formatDateTime(event.at, locale, timeZone)}
                </Text>
              </InlineStack>
              <Text as="p" tone="subdued" variant="bodySm">
                {t("template.events.by", { actor: actorLabel(t, event.actor) })}
                {cause && ` · ${t(cause)}`}
              </Text>
            </Box>
          );
        })
      )}
    </SectionCard>
  );
}
