#!/usr/bin/env python3
"""Reads the pages of `slipway up`'s data once the demo has ended, in Debian's headless Chromium through Selenium, from
a server started again over the demo's server directory and delivery store (SlipwayUpTests runs it after
follow_demo.py, which follows the releases while they happen): the runs its pushes started, CI's run with its job
graph and log, the releases, the application and its sync history, approvals. Takes the demo's screenshots of them.

Arguments: a JSON object on standard input with base_url, token (the server's admin token), application (the demo's),
profile (Chromium's profile directory) and screenshots (a directory, or empty). Prints one line per check and exits
non-zero at the first that fails. Every wait is bounded; none sleeps a fixed time.
"""
import sys

from browser import MAIN_TEXT, check, print_network, session
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

def main():
    settings, driver, shot = session()
    base = settings["base_url"]
    application = settings["application"]
    wait = WebDriverWait(driver, 30)

    try:
        driver.get(base + "/sign-in")
        shot("demo-sign-in")
        driver.find_element(By.ID, "token").send_keys(settings["token"])
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav .who")))

        check(driver.find_elements(By.CSS_SELECTOR, "article.card[data-application='%s']" % application),
              "the overview shows %s" % application)
        shot("demo-overview")
        driver.get(base + "/releases")
        rows = driver.find_elements(By.CSS_SELECTOR, "#main tbody tr")
        check(len(rows) == 2, "the releases page lists both of the demo's releases (%d rows)" % len(rows))
        shot("demo-releases")

        # Every push of the demo was built by its server: CI and CD for the first deployment and each release.
        driver.get(base + "/runs")
        rows = driver.find_elements(By.CSS_SELECTOR, "#runs tbody tr")
        ci = [row for row in rows if "CI - Build and Push" in row.text and "success" in row.text]
        cd = [row for row in rows if "CD - Update GitOps" in row.text and "success" in row.text]
        check(len(ci) == 3 and len(cd) == 3, "the runs list shows the demo's 3 CI and 3 CD runs, all passed (%d rows)" % len(rows))
        shot("demo-runs")
        run = ci[-1].find_element(By.CSS_SELECTOR, "a").get_attribute("href").rsplit("/", 1)[-1]
        driver.get("%s/runs/%s" % (base, run))
        wait.until(lambda d: d.execute_script("return document.querySelectorAll('#graph g.job.good').length") == 2)
        check(len(driver.find_elements(By.CSS_SELECTOR, "#graph path.edge")) == 1,
              "CI run #%s: its job graph shows both jobs passed and the needs edge between them" % run)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#log .line"))
        log = driver.execute_script("return document.getElementById('log').textContent")
        check("sha256:" in log, "its log shows the pushed image's digest")
        shot("demo-run")

        driver.get("%s/applications/%s" % (base, application))
        history = driver.find_elements(By.CSS_SELECTOR, "#history tbody tr")
        check(len(history) >= 3, "the application's page shows its sync history (%d syncs)" % len(history))
        shot("demo-application")
        driver.get(base + "/applications")
        check(application in driver.execute_script(MAIN_TEXT), "the applications page lists %s" % application)
        shot("demo-applications")
        driver.get(base + "/approvals")
        check(driver.find_elements(By.ID, "main"), "the approvals page answers (the demo's QA environment needs no review)")
        shot("demo-approvals")
    except TimeoutException:
        print("FAIL: timed out at %s; the page: %s" % (driver.current_url, driver.execute_script(MAIN_TEXT)[-2000:]), flush=True)
        print_network(driver)
        sys.exit(1)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
