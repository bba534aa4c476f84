// When the invoices go out: the frequency (a preset, or every N days, weeks,
// months or years), the first invoice's date and time of day in the shop's
// time zone, and when the schedule ends.
import { memo } from "react";
import { ChoiceList, InlineGrid, Select, TextField } from "@shopify/polaris";
import { SectionCard } from "~/components/SectionCard";
import { SCHEDULE_UNITS } from "~/domain/schedule";
import { FREQUENCY_CHOICES, type ScheduleFields, type TemplateFormValues } from "~/domain/template-form";
import { useI18n } from "~/i18n/react";
import type { ErrorOf, SetField } from "./fields";

function ScheduleSectionView(props: {
  values: ScheduleFields & Pick<TemplateFormValues, "anchor" | "timeOfDay">;
  timeZone: string;
  set: SetField;
  errorOf: ErrorOf;
}) {
  const { t } = useI18n();
  const { values, set, errorOf } = props;
  return (
    <SectionCard heading={t("form.schedule.heading")}>
      <Select
        label={t("form.schedule.frequency")}
        options={FREQUENCY_CHOICES.map((choice) => ({ value: choice, label: t(`frequency.${choice}`) }))}
        value={values.frequency}
        onChange={(frequency) => set("frequency")(frequency as TemplateFormValues["frequency"])}
      />
      {values.frequency === "custom" && (
        <InlineGrid columns={2} gap="200">
          <TextField
            label={t("form.schedule.every")}
            type="number"
            min={1}
            autoComplete="off"
            value={values.customEvery}
            onChange={set("customEvery")}
            error={errorOf("schedule.every")}
          />
          <Select
            label={t("form.schedule.unit")}
            options={SCHEDULE_UNITS.map((unit) => ({ value: unit, label: t(`form.schedule.unit.${unit}`) }))}
            value={values.customUnit}
            onChange={(unit) => set("customUnit")(unit as TemplateFormValues["customUnit"])}
          />
        </InlineGrid>
      )}
      <InlineGrid columns={2} gap="200">
        <TextField
          label={t("form.schedule.anchor")}
          type="date"
          autoComplete="off"
          value={values.anchor}
          onChange={set("anchor")}
          error={errorOf("schedule.anchor")}
          helpText={t("form.schedule.anchorHelp")}
        />
        <TextField
          label={t("form.schedule.timeOfDay")}
          type="time"
          autoComplete="off"
          value={values.timeOfDay}
          onChange={set("timeOfDay")}
          error={errorOf("schedule.timeOfDay")}
          helpText={t("form.schedule.timeZone", { timeZone: props.timeZone })}
        />
      </InlineGrid>
      <ChoiceList
        title={t("form.schedule.end")}
        choices={[
          { value: "never", label: t("form.schedule.end.never") },
          {
            value: "after",
            label: t("form.schedule.end.after"),
            renderChildren: (selected) =>
              selected && (
                <TextField
                  label={t("form.schedule.end.afterCount")}
                  type="number"
                  min={1}
                  autoComplete="off"
                  value={values.endAfterCount}
                  onChange={set("endAfterCount")}
                  error={errorOf("schedule.end.afterCount")}
                />
              ),
          },
          {
            value: "until",
            label: t("form.schedule.end.until"),
            renderChildren: (selected) =>
              selected && (
                <TextField
                  label={t("form.schedule.end.untilDate")}
                  type="date"
                  autoComplete="off"
                  value={values.endUntil}
                  onChange={set("endUntil")}
                  error={errorOf("schedule.end.until")}
                />
              ),
          },
        ]}
        selected={[values.endMode]}
        onChange={([mode]) => set("endMode")((mode ?? "never") as TemplateFormValues["endMode"])}
      />
    </SectionCard>
  );
}

/** Re-renders only when its own props change (the form keeps them the same objects while they are). */
export const ScheduleSection = memo(ScheduleSectionView);
