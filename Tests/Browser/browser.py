"""What the browser scripts share: Debian's headless Chromium through Selenium, checks, full-page screenshots and the
browser's own account of its requests."""
import json
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"
# The text of the page's main part, '' when it has none (a page that failed to load).
MAIN_TEXT = "return document.getElementById('main') ? document.getElementById('main').textContent : ''"


def session():
    """The settings the test gives on standard input, Chromium started with their profile, and a function that saves a
    full-page screenshot NAME.png into their `screenshots` directory (none when it is empty)."""
    settings = json.load(sys.stdin)
    driver = start(settings["profile"])
    shots = settings.get("screenshots") or ""

    def shot(name):
        if shots:
            full_page_shot(driver, os.path.join(shots, name + ".png"))

    return settings, driver, shot


def check(condition, what):
    print(("ok: " if condition else "FAIL: ") + what, flush=True)
    if not condition:
        sys.exit(1)


def start(profile):
    """Chromium at 1280×800 with its own profile directory, logging its network events (see print_network)."""
    options = webdriver.ChromeOptions()
    # Paths given explicitly, or Selenium Manager tries to download a driver.
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800",
                     "--user-data-dir=" + profile]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)


def full_page_shot(driver, path):
    """The whole page from its top, not only what the window shows: the window grown to the page's height for it."""
    driver.execute_script("window.scrollTo(0, 0)")
    size = driver.get_window_size()
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], max(size["height"], min(height + 140, 3000)))
    driver.save_screenshot(path)
    driver.set_window_size(size["width"], size["height"])


def print_network(driver):
    """The requests since the last call, as Chromium saw them: sent, answered (status) or failed (why)."""
    requests = {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        method, params = message.get("method", ""), message.get("params", {})
        if method == "Network.requestWillBeSent":
            requests[params["requestId"]] = {"url": params["request"]["url"], "method": params["request"]["method"], "state": "sent"}
        elif method == "Network.responseReceived" and params["requestId"] in requests:
            requests[params["requestId"]]["state"] = "answered %s" % params["response"]["status"]
        elif method == "Network.loadingFailed" and params["requestId"] in requests:
            requests[params["requestId"]]["state"] = "failed: %s" % params.get("errorText", "")
    for request in list(requests.values())[-25:]:
        print("network: %s %s %s" % (request["method"], request["url"], request["state"]), flush=True)
