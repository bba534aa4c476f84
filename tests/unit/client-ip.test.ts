// The client's address as every reader gets it (app/http/client-ip.server.ts):
// the right-most X-Forwarded-For entry not added by a trusted proxy.
import { describe, expect, it } from "vitest";
import { parseTrustProxy } from "~/config.server";
import { clientAddress, publicRequestContext } from "~/http/client-ip.server";

const APP = "https://ritournelle.test";
const request = (...forwarded: string[]) => {
  const headers = new Headers();
  for (const value of forwarded) headers.append("x-forwarded-for", value);
  return new Request(APP, { headers });
};

describe("clientAddress", () => {
  it("without trusted proxies, is the TCP peer whatever X-Forwarded-For says (anyone can send it)", () => {
    expect(clientAddress(request("198.51.100.1"), { remoteAddress: "::ffff:203.0.113.9", trustProxy: false })).toBe("203.0.113.9");
    expect(clientAddress(request("198.51.100.1"), { remoteAddress: "2001:db8::7" })).toBe("2001:db8::7");
    expect(clientAddress(request("198.51.100.1"), {})).toBe("unknown");
  });

  it("behind one proxy that appends, a forged left-most entry is not the client: the proxy's own entry is", () => {
    // The client sent "X-Forwarded-For: 1.2.3.4"; our load balancer (10.0.0.3) appended the peer it saw.
    const forged = request("1.2.3.4, 198.51.100.20");
    expect(clientAddress(forged, { remoteAddress: "10.0.0.3", trustProxy: 1 })).toBe("198.51.100.20");
    expect(clientAddress(forged, { remoteAddress: "10.0.0.3", trustProxy: ["10.0.0.0/8"] })).toBe("198.51.100.20");
  });

  it("counts hops from the right: two proxies of ours, the third address from the right is the client", () => {
    const chain = request("6.6.6.6, 198.51.100.20, 10.0.0.2");
    expect(clientAddress(chain, { remoteAddress: "10.0.0.3", trustProxy: 2 })).toBe("198.51.100.20");
    expect(clientAddress(chain, { remoteAddress: "10.0.0.3", trustProxy: 3 })).toBe("6.6.6.6");
    expect(clientAddress(chain, { remoteAddress: "10.0.0.3", trustProxy: 1 })).toBe("10.0.0.2");
  });

  it("with a CIDR list, walks left past every trusted address and stops at the first other one", () => {
    const chain = request("6.6.6.6, 198.51.100.20, 10.1.2.3, 127.0.0.1");
    expect(clientAddress(chain, { remoteAddress: "127.0.0.1", trustProxy: ["10.0.0.0/8", "loopback"] })).toBe("198.51.100.20");
    // A peer outside the list is the client itself: its X-Forwarded-For is not believed.
    expect(clientAddress(chain, { remoteAddress: "203.0.113.5", trustProxy: ["10.0.0.0/8", "loopback"] })).toBe("203.0.113.5");
  });

  it("reads repeated X-Forwarded-For headers as one list, in order", () => {
    expect(clientAddress(request("1.2.3.4", "198.51.100.20"), { remoteAddress: "10.0.0.3", trustProxy: 1 })).toBe("198.51.100.20");
  });

  it("without the header behind a proxy, is the peer; an entry that is no address is 'unknown', never printed", () => {
    expect(clientAddress(request(), { remoteAddress: "10.0.0.3", trustProxy: 1 })).toBe("10.0.0.3");
    expect(clientAddress(request("<script>, not-an-ip"), { remoteAddress: "10.0.0.3", trustProxy: 1 })).toBe("unknown");
    expect(clientAddress(request("198.51.100.20"), { remoteAddress: "10.0.0.3", trustProxy: 5 })).toBe("198.51.100.20");
  });

  it("reads only well-typed fields from Remix's load context", () => {
    expect(publicRequestContext({ remoteAddress: "203.0.113.9", trustProxy: 1 })).toEqual({ remoteAddress: "203.0.113.9", trustProxy: 1 });
    expect(publicRequestContext({ remoteAddress: "203.0.113.9", trustProxy: ["loopback"] })).toEqual({ remoteAddress: "203.0.113.9", trustProxy: ["loopback"] });
    expect(publicRequestContext({ remoteAddress: 42, trustProxy: true })).toEqual({ remoteAddress: undefined, trustProxy: false });
    expect(publicRequestContext(undefined)).toEqual({ remoteAddress: undefined, trustProxy: false });
  });
});

describe("TRUST_PROXY", () => {
  it("takes Express's values: false, a hop count, a list of addresses and named ranges", () => {
    expect(parseTrustProxy("false")).toBe(false);
    expect(parseTrustProxy("")).toBe(false);
    expect(parseTrustProxy("2")).toBe(2);
    expect(parseTrustProxy("10.0.0.0/8, loopback,2001:db8::/32")).toEqual(["10.0.0.0/8", "loopback", "2001:db8::/32"]);
  });

  it("refuses `true` (it would believe the left-most entry, which the client writes) and anything unparsable", () => {
    expect(parseTrustProxy("true")).toBeNull();
    expect(parseTrustProxy("10.0.0.0/99")).toBeNull();
    expect(parseTrustProxy("my-proxy")).toBeNull();
  });
});
