// Why a run failed, in the merchant's language: an explanation chosen by the
// run's error code saying what to do, and the stored English message as the
// detail (amounts, Stripe's own words), which the code alone cannot carry.
import { runErrorExplanationOf } from "~/domain/run-errors";
import type { Translate } from "./index";

export type RunFailureView = {
  /** What happened and what to do, translated. */
  explanation: string;
  /** "Details: …" with the English message the pipeline recorded, when there is one. */
  detail: string | null;
};

export function explainRunFailure(t: Translate, code: string | null, message: string | null): RunFailureView {
  return {
    explanation: t(`runError.${runErrorExplanationOf(code)}`),
    detail: message ? t("runError.details", { detail: message }) : null,
  };
}
