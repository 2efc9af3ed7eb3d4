"""Page weight for `make bench`: what a browser moves over the network to show a page.

A real server (werkzeug, in a thread) and headless Chromium driven by Playwright; the Chrome
DevTools Protocol tells which requests went to the network and how many bytes each moved
(`encodedDataLength`: headers plus the body as sent, so compression counts). A first visit starts
from an empty cache; a repeat visit navigates to the same page again in the same browser, as a
user following a link back would (not a reload, which revalidates everything on purpose).
"""
from tests.browser import CHROMIUM_ARGS, chromium_path, live_server

PAGES = ["/zoeken"]


class NetworkLog:
    """Requests of one page load, from the DevTools Protocol events of a CDP session;
    `clear()` between visits keeps them apart."""

    def __init__(self, cdp):
        self.requests = {}  # requestId -> {"url", "cached", "bytes", "status"}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._from_memory)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def clear(self):
        self.requests = {}

    def _entry(self, request_id):
        return self.requests.setdefault(
            request_id, {"url": "", "cached": False, "bytes": 0, "status": None})

    def _sent(self, event):
        self._entry(event["requestId"])["url"] = event["request"]["url"]

    def _from_memory(self, event):
        self._entry(event["requestId"])["cached"] = True

    def _response(self, event):
        response = event["response"]
        entry = self._entry(event["requestId"])
        entry["status"] = response.get("status")
        # A 304 is not "from cache" here: it went to the server and counts as a request.
        if (response.get("fromDiskCache") or response.get("fromMemoryCache")
                or response.get("fromPrefetchCache") or response.get("fromServiceWorker")):
            entry["cached"] = True

    def _finished(self, event):
        self._entry(event["requestId"])["bytes"] = event.get("encodedDataLength", 0)

    def summary(self):
        network = [r for r in self.requests.values() if not r["cached"] and r["url"]]
        return {"requests": len(network),
                "kb": round(sum(r["bytes"] for r in network) / 1024, 1),
                "cached": sum(1 for r in self.requests.values() if r["cached"]),
                "urls": sorted(f"{r['status']} {r['bytes']:>7} {r['url']}" for r in network)}


def _visit(page, log, url):
    log.clear()
    page.goto(url, wait_until="networkidle")
    return log.summary()


def measure(app, pages=PAGES):
    """{path: {"first": summary, "repeat": summary}}, or None when Chromium is missing."""
    path = chromium_path()
    if path is None:
        return None
    from playwright.sync_api import sync_playwright

    results = {}
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            for page_path in pages:
                context = browser.new_context()
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                log = NetworkLog(cdp)
                cdp.send("Network.enable")
                first = _visit(page, log, base + page_path)
                repeat = _visit(page, log, base + page_path)
                results[page_path] = {"first": first, "repeat": repeat}
                context.close()
        finally:
            browser.close()
    return results


def report(results):
    """Print the table; return the figures for the bench's JSON line (without the URL lists)."""
    if results is None:
        print("\npage weight: skipped (Chromium not found; apt-get install chromium, "
              "or set PORTAL_CHROMIUM)")
        return None
    print("\npage weight (requests to the network, KB transferred):")
    print(f"  {'':<12}{'first visit':>20}{'repeat visit':>22}")
    figures = {}
    for page_path, visits in results.items():
        first, repeat = visits["first"], visits["repeat"]
        print(f"  {page_path:<12}{first['requests']:>6} req {first['kb']:>8.1f} KB"
              f"{repeat['requests']:>8} req {repeat['kb']:>8.1f} KB")
        for name in ("first", "repeat"):
            for line in visits[name]["urls"]:
                print(f"      {name:<7}{line}")
        figures[page_path] = {name: {"requests": visits[name]["requests"],
                                     "kb": visits[name]["kb"]} for name in ("first", "repeat")}
    return figures
