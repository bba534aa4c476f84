// One of the template page's actions as a button: a small form posting its
// intent (and the run it acts on) to the page's action.
import { Form } from "@remix-run/react";
import { Button } from "@shopify/polaris";

export function ActionButton(props: {
  intent: string;
  runId?: string;
  /** More hidden fields (e.g. the request nonce). */
  fields?: Record<string, string>;
  label: string;
  loading: boolean;
  disabled: boolean;
  primary?: boolean;
  size?: "slim";
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={props.intent} />
      {props.runId && <input type="hidden" name="runId" value={props.runId} />}
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button submit loading={props.loading} disabled={props.disabled && !props.loading} variant={props.primary ? "primary" : undefined} size={props.size}>
        {props.label}
      </Button>
    </Form>
  );
}
