#!/usr/bin/env python3
"""Promotes a real canary waiting at its gate from Slipway's release page, in Debian's headless Chromium through
Selenium, and waits for the page to show the outcome the canary controller reaches — without a reload
(ServerCanaryBrowserTests runs it).

Standard input: a JSON object with base_url, token (an approver's), release_id, profile and screenshots (or empty).
"""
import json
import os
import sys

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def check(condition, what):
    print(("ok: " if condition else "FAIL: ") + what, flush=True)
    if not condition:
        sys.exit(1)


def full_page_shot(driver, path):
    """The whole page from its top: the window grown to the page's height for the picture."""
    driver.execute_script("window.scrollTo(0, 0)")
    size = driver.get_window_size()
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], max(size["height"], min(height + 140, 3000)))
    driver.save_screenshot(path)
    driver.set_window_size(size["width"], size["height"])


def main():
    settings = json.load(sys.stdin)
    base = settings["base_url"]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800",
                     "--user-data-dir=" + settings["profile"]]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    main_text = "return document.getElementById('main').textContent"
    try:
        driver.get(base + "/sign-in")
        driver.find_element(By.ID, "token").send_keys(settings["token"])
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav .who")))
        driver.get("%s/releases/%s" % (base, settings["release_id"]))
        check("Waiting at a gate" in driver.execute_script(main_text), "the release waits at its gate")
        check(len(driver.find_elements(By.CSS_SELECTOR, "figure.analysis svg circle")) >= 1,
              "its analysis is drawn from the controller's measurements")
        if settings.get("screenshots"):
            full_page_shot(driver, os.path.join(settings["screenshots"], "release-at-gate.png"))
        driver.execute_script("window.slipwayMarker = 'same page';")
        driver.find_element(By.ID, "reason").send_keys("browser test: promote the real canary")
        driver.find_element(By.ID, "promote").click()
        notice = "return document.getElementById('notice').textContent"
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(notice))
        check("Promotion recorded." in driver.execute_script(notice), "Promote: %s" % driver.execute_script(notice))
        WebDriverWait(driver, 120).until(lambda d: "Outcome: Succeeded" in d.execute_script(main_text))
        check(True, "the page shows the outcome: Succeeded")
        check(driver.execute_script("return window.slipwayMarker") == "same page", "without a reload")
        if settings.get("screenshots"):
            full_page_shot(driver, os.path.join(settings["screenshots"], "release-succeeded.png"))
        # The overview's card: the sync status and health the server's sync controller compared, the last outcome.
        driver.get(base + "/")
        card = "const c = document.querySelector('article.card[data-application=\"' + arguments[0] + '\"]'); return c ? c.textContent : '';"
        WebDriverWait(driver, 60).until(
            lambda d: all(word in d.execute_script(card, settings["application"]) for word in ["Synced", "Healthy", "Succeeded"]))
        print("ok: the overview shows the application Synced and Healthy, its last outcome Succeeded", flush=True)
    except TimeoutException:
        print("FAIL: timed out; the page: " + driver.execute_script(main_text)[-2000:], flush=True)
        sys.exit(1)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
