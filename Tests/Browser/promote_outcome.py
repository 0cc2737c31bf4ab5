#!/usr/bin/env python3
"""Promotes a real canary waiting at its gate from Slipway's release page, in Debian's headless Chromium through
Selenium, and waits for the page to show the outcome the canary controller reaches — without a reload
(ServerCanaryBrowserTests runs it).

Standard input: a JSON object with base_url, token (an approver's), release_id, profile and screenshots (or empty).
"""
import sys

from browser import MAIN_TEXT, check, session
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def main():
    settings, driver, shot = session()
    base = settings["base_url"]
    main_text = MAIN_TEXT
    try:
        driver.get(base + "/sign-in")
        driver.find_element(By.ID, "token").send_keys(settings["token"])
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav .who")))
        driver.get("%s/releases/%s" % (base, settings["release_id"]))
        check("Waiting at a gate" in driver.execute_script(main_text), "the release waits at its gate")
        check(len(driver.find_elements(By.CSS_SELECTOR, "figure.analysis svg circle")) >= 1,
              "its analysis is drawn from the controller's measurements")
        shot("release-at-gate")
        driver.execute_script("window.slipwayMarker = 'same page';")
        driver.find_element(By.ID, "reason").send_keys("browser test: promote the real canary")
        driver.find_element(By.ID, "promote").click()
        notice = "return document.getElementById('notice').textContent"
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(notice))
        check("Promotion recorded." in driver.execute_script(notice), "Promote: %s" % driver.execute_script(notice))
        WebDriverWait(driver, 120).until(lambda d: "Outcome: Succeeded" in d.execute_script(main_text))
        check(True, "the page shows the outcome: Succeeded")
        check(driver.execute_script("return window.slipwayMarker") == "same page", "without a reload")
        shot("release-succeeded")
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
