// A form's unsaved changes in the admin's contextual save bar (App Bridge's
// Save Bar API, @shopify/app-bridge-react v4: https://shopify.dev/docs/api/app-home/latest/apis/user-interface-and-interactions/save-bar-api):
// while the values differ from what was loaded, the admin shows Save and
// Discard; the buttons below are what its buttons press. Leaving the page
// inside the app with unsaved changes (a link, the back arrow) is held and
// handed to `shopify.saveBar.leaveConfirmation()`, which asks the merchant
// and resolves once they choose to leave; the admin itself holds its own
// navigation (its menu) while the bar shows.
import { useEffect, useRef } from "react";
import { useBlocker, useNavigate, useNavigation } from "@remix-run/react";
import { SaveBar, useAppBridge } from "@shopify/app-bridge-react";
import { useI18n } from "~/i18n/react";

type Props = {
  /** Unique on the page: App Bridge's `shopify.saveBar` addresses a bar by it. */
  id: string;
  dirty: boolean;
  saving: boolean;
  onSave: () => void;
  onDiscard: () => void;
};

export function FormSaveBar({ id, dirty, saving, onSave, onDiscard }: Props) {
  const { t } = useI18n();
  const shopify = useAppBridge();
  const navigate = useNavigate();
  const navigation = useNavigation();
  // Set once the merchant chose to leave: the navigation they asked for goes through.
  const leaving = useRef(false);

  // A navigation that starts while the form is idle and dirty, to another
  // page; not the form's own submission or the redirect that follows it.
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      dirty &&
      !leaving.current &&
      navigation.state === "idle" &&
      (currentLocation.pathname !== nextLocation.pathname || currentLocation.search !== nextLocation.search),
  );
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    const target = blocker.location;
    // Stay for now; go once the merchant confirms (the promise does not resolve if they stay).
    blocker.reset();
    void shopify.saveBar.leaveConfirmation().then(() => {
      leaving.current = true;
      navigate(`${target.pathname}${target.search}${target.hash}`);
    });
  }, [blocker, shopify, navigate]);

  return (
    <SaveBar id={id} open={dirty}>
      {/* type="button": inside a <form> (settings), a button without a type would submit it on Discard too. */}
      <button type="button" {...{ variant: "primary", loading: saving ? "" : undefined }} disabled={saving} onClick={onSave}>
        {t("form.saveBar.save")}
      </button>
      <button type="button" disabled={saving} onClick={onDiscard}>
        {t("form.saveBar.discard")}
      </button>
    </SaveBar>
  );
}
