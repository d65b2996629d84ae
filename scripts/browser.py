#!/usr/bin/env python3
"""Drive headless Chromium over the DevTools protocol (a pipe, no extra package) to check and
photograph Tally's report.html.

    browser.py inspect REPORT.html [--class C] [--severity S] [--currency X] [--search TEXT]
        Loads the page, lets its script run, applies the given filters through the page's own
        controls and prints one JSON object: the headline figures, the table's row counts, every
        request the page tried to make, injected elements, dialogs, CSP violations and console
        errors, and the load time in milliseconds.
    browser.py screenshot REPORT.html OUT.png [--print] [--width PX] [--no-script]
        Writes a full-page PNG at desktop width, or with the print stylesheet (--print).
    Both take --no-script to load the page with JavaScript disabled.

Chromium is Debian's `chromium` (installed by `make test` / `make report-preview` when missing).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import base64
import fcntl


class Browser:
    def __init__(self):
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if binary is None:
            sys.exit("browser.py: no chromium on PATH; run `make test` (it installs Debian's chromium)")
        self.profile = tempfile.mkdtemp(prefix="tally-chromium-")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        # Pipes opened above fd 4, so that wiring them to 3 and 4 in the child cannot clobber one.
        original_r, original_w = to_child_r, from_child_w
        to_child_r, from_child_w = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)

        def wire():  # the child reads commands on fd 3 and writes replies on fd 4
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)
            os.closerange(5, 1024)

        self.process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--user-data-dir=" + self.profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        for fd in (original_r, original_w):
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_child, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=True, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method, timeout=60):
        deadline = time.monotonic() + timeout
        for index, event in enumerate(self.events):
            if event["method"] == method:
                return self.events.pop(index)
        while True:
            event = self._read_message(deadline)
            if event.get("method") == method:
                return event
            if "method" in event:
                self.events.append(event)

    def open(self, url, width=1400, height=1000, media=None, script=True):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send(
            "Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(domain + ".enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        if media:
            self.send("Emulation.setEmulatedMedia", {"media": media})
        if not script:
            self.send("Emulation.setScriptExecutionDisabled", {"value": True})
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError("page script failed: %s" % json.dumps(result["exceptionDetails"])[:400])
        return result["result"].get("value")


INSPECT = r"""
(() => {
  const text = (id) => { const node = document.getElementById(id); return node ? node.textContent.trim() : null; };
  const value = (id) => { const node = document.querySelector("#" + id + " .value"); return node ? node.textContent.trim() : null; };
  const status = document.getElementById("breaks-status");
  const visible = (id) => { const node = document.getElementById(id); return !!node && node.getClientRects().length > 0; };
  const injected = [...document.querySelectorAll("*")].filter((node) =>
    [...node.attributes].some((attribute) => attribute.name.toLowerCase().startsWith("on")));
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    title: document.title,
    verdict: text("verdict"),
    openEarlier: {
      heading: text("open-earlier-h"),
      rows: document.querySelectorAll("#open-earlier tbody tr").length,
      references: [...document.querySelectorAll("#open-earlier tbody tr td.ref code")].map((n) => n.textContent),
    },
    figures: Object.fromEntries([...document.querySelectorAll(".figure")].map((node) =>
      [node.id, node.querySelector(".value").textContent.trim()])),
    rendered: document.getElementById("breaks")?.getAttribute("data-rendered") ?? null,
    matching: status ? Number(status.getAttribute("data-matching")) : null,
    shown: status ? Number(status.getAttribute("data-shown")) : null,
    status: status ? status.textContent.trim() : null,
    bodyRows: document.querySelectorAll("#breaks tbody tr").length,
    firstReferences: [...document.querySelectorAll("#breaks tbody tr td.ref code")].slice(0, 5).map((n) => n.textContent),
    scripts: document.scripts.length,
    images: document.images.length,
    frames: document.querySelectorAll("iframe, object, embed, link, base").length,
    elementsWithHandlers: injected.length,
    probeFired: window.__tallyProbe === true,
    svgCharts: document.querySelectorAll(".chart svg").length,
    toolbarVisible: visible("breaks-filters"),
    pagerVisible: visible("breaks-pager"),
    htmlBytes: document.documentElement.outerHTML.length,
    loadMilliseconds: nav ? Math.round(nav.loadEventEnd) : null,
  };
})()
"""


def select(browser, element_id, value):
    browser.evaluate(
        "(() => { const s = document.getElementById(%s); s.value = %s;"
        " s.dispatchEvent(new Event('change')); })()" % (json.dumps(element_id), json.dumps(value)))


def inspect(arguments):
    browser = Browser()
    try:
        url = "file://" + os.path.abspath(arguments.report)
        browser.open(url, script=not arguments.no_script)
        result = {"initial": browser.evaluate(INSPECT)}
        if arguments.cls is not None:
            index = browser.evaluate(
                "[...document.getElementById('f-class').options].findIndex(o => o.textContent.startsWith(%s + ' ('))"
                % json.dumps(arguments.cls))
            value = browser.evaluate("document.getElementById('f-class').options[%d]?.value ?? 'none'" % index)
            select(browser, "f-class", value)
        if arguments.severity is not None:
            select(browser, "f-severity", arguments.severity)
        if arguments.currency is not None:
            select(browser, "f-currency", arguments.currency)
        if arguments.search is not None:
            browser.evaluate(
                "(() => { const i = document.getElementById('f-text'); i.value = %s;"
                " i.dispatchEvent(new Event('input')); })()" % json.dumps(arguments.search))
            browser.evaluate("new Promise((done) => setTimeout(done, 400))")
        if arguments.sort is not None:
            for _ in range(arguments.sort_clicks):
                browser.evaluate("document.querySelector('th[data-key=%s] button').click()" % json.dumps(arguments.sort))
        result["filtered"] = browser.evaluate(INSPECT)
        # Drain what arrived while evaluating.
        browser.send("Runtime.evaluate", {"expression": "0"})
        requests = [e["params"]["request"]["url"] for e in browser.events if e["method"] == "Network.requestWillBeSent"]
        result["requests"] = [u for u in requests if u != url]
        result["dialogs"] = [e["params"].get("message") for e in browser.events
                             if e["method"] == "Page.javascriptDialogOpening"]
        logs = [e["params"]["entry"] for e in browser.events if e["method"] == "Log.entryAdded"]
        result["cspViolations"] = [l["text"] for l in logs if "Content Security Policy" in l.get("text", "")]
        result["consoleErrors"] = [l["text"] for l in logs if l.get("level") == "error"] + [
            json.dumps(e["params"]["exceptionDetails"].get("exception", {}).get("description", ""))
            for e in browser.events if e["method"] == "Runtime.exceptionThrown"]
        print(json.dumps(result, indent=1, sort_keys=True))
    finally:
        browser.close()


LAYOUT = r"""
(() => {
  const table = document.getElementById("breaks");
  const scroller = table ? table.closest(".table-scroll") : null;
  const place = document.querySelector("#breaks th[data-key=place]");
  const rect = place ? place.getBoundingClientRect() : null;
  const refs = [...document.querySelectorAll("td.ref code")];
  const wrapped = refs.filter((node) => node.getClientRects().length > 1).map((node) => node.textContent);
  const cells = [...document.querySelectorAll("#breaks tbody tr:first-child td")];
  return {
    viewport: window.innerWidth,
    documentWidth: document.documentElement.scrollWidth,
    tableWidth: table ? Math.ceil(table.getBoundingClientRect().width) : null,
    scrollerOverflow: scroller ? scroller.scrollWidth - scroller.clientWidth : null,
    placeShown: !!rect && rect.width > 0 && getComputedStyle(place).display !== "none",
    placeRight: rect ? Math.ceil(rect.right) : null,
    hiddenCells: cells.filter((cell) => getComputedStyle(cell).display === "none").length,
    references: refs.length,
    wrappedReferences: wrapped,
    columns: Object.fromEntries([...document.querySelectorAll("#breaks thead th")].map((th) =>
      [th.getAttribute("data-key"), Math.round(th.getBoundingClientRect().width)])),
  };
})()
"""


def layout(arguments):
    """Prints where the breaks table lies at one width (or printed): what a reader would have to scroll to."""
    browser = Browser()
    try:
        browser.open("file://" + os.path.abspath(arguments.report), width=arguments.width,
                     media="print" if arguments.print else None, script=not arguments.no_script)
        print(json.dumps(browser.evaluate(LAYOUT), indent=1, sort_keys=True))
    finally:
        browser.close()


def screenshot(arguments):
    browser = Browser()
    try:
        browser.open("file://" + os.path.abspath(arguments.report), width=arguments.width,
                     media="print" if arguments.print else None, script=not arguments.no_script)
        height = browser.evaluate("Math.ceil(document.documentElement.scrollHeight)")
        shot = browser.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": arguments.width, "height": min(height, 16000), "scale": 1}})
        with open(arguments.out, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
        print(arguments.out)
    finally:
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("inspect")
    check.add_argument("report")
    check.add_argument("--class", dest="cls")
    check.add_argument("--severity")
    check.add_argument("--currency")
    check.add_argument("--search")
    check.add_argument("--sort")
    check.add_argument("--sort-clicks", type=int, default=1)
    check.add_argument("--no-script", action="store_true", help="load the page with JavaScript disabled")
    check.set_defaults(run=inspect)
    shot = commands.add_parser("screenshot")
    shot.add_argument("report")
    shot.add_argument("out")
    shot.add_argument("--print", action="store_true")
    shot.add_argument("--width", type=int, default=1400)
    shot.add_argument("--no-script", action="store_true", help="load the page with JavaScript disabled")
    shot.set_defaults(run=screenshot)
    measure = commands.add_parser("layout")
    measure.add_argument("report")
    measure.add_argument("--print", action="store_true", help="emulate print media")
    measure.add_argument("--width", type=int, default=1280)
    measure.add_argument("--no-script", action="store_true", help="load the page with JavaScript disabled")
    measure.set_defaults(run=layout)
    arguments = parser.parse_args()
    arguments.run(arguments)


if __name__ == "__main__":
    main()
