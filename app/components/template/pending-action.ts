// Which of the template page's actions is being submitted, so its button
// spins and the others wait.
import { useNavigation } from "@remix-run/react";

export type PendingAction = {
  /** A form of the page is being submitted: every action button waits. */
  busy: boolean;
  /** The submitted intent ("pause", "retry"…), while busy. */
  intent: FormDataEntryValue | null | undefined;
  /** The run it acts on, for a run's action. */
  runId: FormDataEntryValue | null | undefined;
};

export function usePendingAction(): PendingAction {
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return {
    busy,
    intent: busy ? navigation.formData?.get("intent") : null,
    runId: busy ? navigation.formData?.get("runId") : null,
  };
}
