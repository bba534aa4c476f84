// The English dictionary: the app's words and Polaris' own. In the browser this
// module is its own chunk, loaded only for a page in English (./browser.ts).
import messages from "~/i18n/en.json";
import polaris from "@shopify/polaris/locales/en.json";

export default { messages, polaris };
