#!/usr/bin/env python3
"""Follows `slipway up`'s two releases in its web UI while they happen, in Debian's headless Chromium through
Selenium (SlipwayUpTests runs it beside the demo; demo_pages.py reads the other pages once it ended).

Arguments: a JSON object on standard input with base_url, token (the demo server's admin token), application (the
demo's), profile (Chromium's profile directory) and screenshots (a directory, or empty). Prints one line per check and
exits non-zero at the first that fails. Every wait is bounded; none sleeps a fixed time.
"""
import sys
import time

from browser import MAIN_TEXT, check, print_network, session
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

def main():
    settings, driver, shot = session()
    base = settings["base_url"]
    application = settings["application"]
    # The demo builds its images first: its first release may start minutes after the UI does.
    patient = WebDriverWait(driver, 420)

    last_card = {}

    def card_release():
        """The release in progress on the application's card, by script (the card is replaced as the page refreshes)."""
        card = driver.execute_script(
            "const c = document.querySelector('article.card[data-application=\"' + arguments[0] + '\"]');"
            " return c ? [c.dataset.release || '', c.outerHTML] : null;", application)
        if card:
            last_card["html"] = "%s %s" % (time.strftime("%H:%M:%S"), card[1])
        return card[0] if card else None

    def open_running(release):
        """Opens the release's page while it runs, marked so that a reload would show."""
        driver.get("%s/releases/%s" % (base, release))
        driver.execute_script("window.slipwayMarker = arguments[0];", release)
        text = driver.execute_script(MAIN_TEXT)
        check("Traffic" in text and "Outcome:" not in text, "release #%s is followed while it runs" % release)

    def analysis_drawn(release, picture=None):
        """Measurements arrive while the canary runs: the chart is drawn from them on the live page."""
        patient.until(lambda d: d.execute_script("return document.querySelectorAll('figure.analysis svg circle').length") >= 1)
        check(driver.execute_script("return window.slipwayMarker") == release, "its analysis chart appears on the open page")
        if picture:
            shot(picture)

    def outcome_shown(release, outcome, picture):
        """Waits, without a reload, until the open page shows the release's outcome."""
        patient.until(lambda d: "Outcome:" in d.execute_script(MAIN_TEXT))
        text = driver.execute_script(MAIN_TEXT)
        check(("Outcome: " + outcome) in text, "release #%s ends %s on the page (%s)" % (
            release, outcome, text[text.find("Outcome:"):][:120].strip()))
        check(driver.execute_script("return window.slipwayMarker") == release, "the outcome shows without a reload")
        shot(picture)

    try:
        driver.get(base + "/sign-in")
        driver.find_element(By.ID, "token").send_keys(settings["token"])
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav .who")))

        # The overview, open from the start: the demo's application appears with its first release in progress.
        driver.get(base + "/")
        driver.execute_script("window.slipwayMarker = 'overview';")
        patient.until(lambda d: card_release())
        first = card_release()
        check(driver.execute_script("return window.slipwayMarker") == "overview",
              "the overview shows %s with release #%s in progress, live" % (application, first))
        open_running(first)
        analysis_drawn(first, "demo-release-at-analysis")
        outcome_shown(first, "Succeeded", "demo-release-promoted")

        # Back to the overview: the second release (the bad version) appears there, and is aborted by its analysis.
        # The demo ends with it, and its UI too: the other pages are read afterwards (demo_pages.py).
        driver.get(base + "/")
        patient.until(lambda d: card_release() not in (None, "", first))
        second = card_release()
        print("ok: the overview shows release #%s next" % second, flush=True)
        open_running(second)
        analysis_drawn(second)
        outcome_shown(second, "Aborted", "demo-release-aborted")
    except TimeoutException:
        print("FAIL: timed out at %s (%s); the page: %s; the application's card last seen: %s" % (
            driver.current_url, time.strftime("%H:%M:%S"), driver.execute_script(MAIN_TEXT)[-2000:], last_card.get("html")),
            flush=True)
        print_network(driver)
        sys.exit(1)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
