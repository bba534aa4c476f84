// The French dictionary: the app's words and Polaris' own. In the browser this
// module is its own chunk, loaded only for a page in French (./browser.ts).
import messages from "~/i18n/fr.json";
import polaris from "@shopify/polaris/locales/fr.json";

export default { messages, polaris };
