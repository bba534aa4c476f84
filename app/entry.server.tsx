import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import { createReadableStreamFromReadable, type AppLoadContext, type EntryContext } from "@remix-run/node";
import { isbot } from "isbot";
import { CspNonceProvider, cspNonceFromLoadContext } from "./components/CspNonce";
import { DocumentLocaleProvider, documentLocaleOf } from "./i18n/document-locale";
import { addDocumentResponseHeaders } from "./shopify.server";

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // CSP frame-ancestors and the other headers Shopify requires of embedded
  // apps. Public pages get theirs from the HTTP server (server/security-headers.ts).
  addDocumentResponseHeaders(request, responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";
  // Public pages allow only scripts that carry this answer's nonce (or come from our origin).
  const nonce = cspNonceFromLoadContext(loadContext);

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(
      <CspNonceProvider nonce={nonce}>
        <DocumentLocaleProvider locale={documentLocaleOf(remixContext.staticHandlerContext)}>
          <RemixServer context={remixContext} url={request.url} nonce={nonce} />
        </DocumentLocaleProvider>
      </CspNonceProvider>,
      {
        nonce,
        [callbackName]: () => {
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html");
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error) {
          reject(error);
        },
        onError(error) {
          responseStatusCode = 500;
          console.error(error);
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}
