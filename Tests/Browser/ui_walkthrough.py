#!/usr/bin/env python3
"""Drives Slipway's web UI in Debian's headless Chromium through Selenium (WebUIBrowserTests runs it).

Arguments: a JSON object on standard input with base_url, viewer_token, approver_token, release_id, application,
run_id, run_last_line (a line the run prints last) and screenshots (a directory, or empty). Prints one line per check
and exits non-zero at the first that fails.
"""
import sys

from browser import check, print_network, session
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def main():
    settings, driver, shot = session()
    base = settings["base_url"]
    wait = WebDriverWait(driver, 30)

    notice = "return document.getElementById('notice').textContent"

    def act(click, done, what):
        """Clicks, then waits until the page's notice says `done` (or why not: the request's error)."""
        driver.execute_script("document.getElementById('notice').textContent = '';")
        click()
        wait.until(lambda d: d.execute_script(notice))
        said = driver.execute_script(notice)
        if done not in said:
            print_network(driver)
        check(done in said, "%s: %s" % (what, said))

    def sign_in(token):
        driver.get(base + "/sign-in")
        shot("sign-in")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav .who")))

    try:
        # A viewer: the overview lists the applications; the release at its gate shows steps, weights and a chart,
        # but no Promote button, and a POST forged from the page is refused.
        sign_in(settings["viewer_token"])
        # The run page streams a running job's log lines as they are written.
        driver.get("%s/runs/%s" % (base, settings["run_id"]))
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#log .line"))
        first = len(driver.find_elements(By.CSS_SELECTOR, "#log .line"))
        log_text = "return document.getElementById('log').textContent"
        check(settings["run_last_line"] not in driver.execute_script(log_text),
              "the log is still being written when the page opens (%d lines)" % first)
        WebDriverWait(driver, 90).until(lambda d: settings["run_last_line"] in d.execute_script(log_text))
        check(len(driver.find_elements(By.CSS_SELECTOR, "#log .line")) > first, "lines arrived while the page was open")
        check(driver.find_elements(By.ID, "L1"), "each line is linkable (#L1)")
        summary = driver.execute_script("const s = document.querySelector('#log details summary'); return s ? s.textContent : '';")
        inside = driver.execute_script("const d = document.querySelector('#log details'); return d ? d.textContent : '';")
        check("Preparing the slow job" in summary and "inside the group" in inside and "line 1" not in inside,
              "the log group is folded under its title (%r)" % summary)
        red = driver.execute_script("const r = document.querySelector('#log .ansi-31'); return r ? r.textContent : '';")
        check(red == "red text" and "\x1b" not in driver.execute_script(log_text), "ANSI colours are rendered, not shown (%r)" % red)
        check("token ***" in driver.execute_script(log_text) and settings["secret"] not in driver.page_source,
              "the secret is masked as ***")
        # The job graph: the matrix job with its two instances, an edge to the job needing it, and both finished (the
        # graph follows the run without a reload).
        wait.until(lambda d: d.execute_script(
            "return document.querySelectorAll('#graph g.job.good').length") == 2)
        graph = driver.execute_script("return document.getElementById('graph').textContent")
        check("build (linux)" in graph and "build (mac)" in graph and driver.find_elements(By.CSS_SELECTOR, "#graph path.edge"),
              "the job graph shows the matrix's instances, the needs edge and both jobs' success")
        shot("run")
        driver.get(base + "/")
        cards = driver.find_elements(By.CSS_SELECTOR, "article.card")
        names = sorted(card.get_attribute("data-application") for card in cards)
        check(names == sorted(settings["applications"]), "the overview shows the applications: %s" % names)
        shot("overview")
        driver.get("%s/releases/%s" % (base, settings["release_id"]))
        check("primary 90% · canary 10%" in driver.find_element(By.ID, "weights").text, "the release shows its weights")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#steps li")) >= 1, "the release shows its steps")
        check(len(driver.find_elements(By.CSS_SELECTOR, "figure.analysis svg circle")) >= 2, "an analysis chart with its measurements")
        check(not driver.find_elements(By.ID, "promote"), "a viewer sees no Promote button")
        status = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/api/v1/applications/' + arguments[0] + '/promote', {method: 'POST', credentials: 'same-origin',"
            " headers: {'Content-Type': 'application/json', 'X-Slipway-UI': '1'}, body: '{}'}).then(r => done(r.status));",
            settings["application"])
        check(status == 403, "a viewer's forged POST gets 403 (got %s)" % status)
        driver.find_element(By.CSS_SELECTOR, "nav form button").click()
        wait.until(EC.presence_of_element_located((By.ID, "token")))

        # An approver promotes: the page shows the result without a reload.
        sign_in(settings["approver_token"])
        driver.get("%s/releases/%s" % (base, settings["release_id"]))
        shot("release")
        driver.execute_script("window.slipwayMarker = 'same page';")
        driver.find_element(By.ID, "reason").send_keys("browser test: dashboards green")
        act(lambda: driver.find_element(By.ID, "promote").click(), "Promotion recorded.", "Promote")
        # The page swaps in its fresh content: read it by script, not through elements that may be replaced.
        wait.until(lambda d: "promote by april" in d.execute_script(
            "const p = document.getElementById('pending'); return p ? p.textContent : '';"))
        check(driver.execute_script("return window.slipwayMarker") == "same page",
              "the promotion shows on the page without a reload")
        shot("release-promoted")

        # The application's page: where it comes from, its holds, Lift offered to the approver.
        driver.get(base + "/applications")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#applications tbody tr")) == len(settings["applications"]),
              "the applications page lists them")
        shot("applications")
        driver.get("%s/applications/%s" % (base, settings["application"]))
        check("release 0 aborted" in driver.find_element(By.ID, "holds").text, "the application's page shows its hold")
        check(driver.find_elements(By.CSS_SELECTOR, "form[data-lift] button"), "an approver is offered Lift")
        # Lift with a reason: the hold ends, the page says so and lists who lifted it and why, without a reload.
        driver.execute_script("window.slipwayMarker = 'application page';")
        driver.find_element(By.CSS_SELECTOR, "form[data-lift] input[name=reason]").send_keys("browser test: fixed upstream")
        act(lambda: driver.find_element(By.CSS_SELECTOR, "form[data-lift] button").click(), "Hold lifted.", "Lift")
        wait.until(lambda d: "lifted" in d.execute_script(
            "const h = document.getElementById('holds'); return h ? h.textContent : '';"))
        holds = driver.execute_script("return document.getElementById('holds').textContent")
        check("by april" in holds and "browser test: fixed upstream" in holds and not driver.find_elements(By.CSS_SELECTOR, "form[data-lift]"),
              "Lift ends the hold and the page shows who lifted it and why")
        check(driver.execute_script("return window.slipwayMarker") == "application page", "the lift shows without a reload")
        shot("application")

        driver.get(base + "/approvals")
        wait.until(EC.presence_of_element_located((By.ID, "main")))
        check("No deployment waits" in driver.find_element(By.ID, "main").text, "the approvals page answers")
        shot("approvals")
        driver.get(base + "/runs")
        wait.until(EC.presence_of_element_located((By.ID, "main")))
        rows = driver.find_elements(By.CSS_SELECTOR, "#runs tbody tr")
        check(len(rows) >= 1, "the runs list shows the run (%d rows; %s)" % (len(rows), driver.find_element(By.ID, "main").text[:300]))
        shot("runs")
        driver.set_window_size(390, 844)
        driver.get(base + "/")
        check(driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"),
              "the overview fits a phone's width")
        shot("overview-phone")
    except TimeoutException as error:
        print("FAIL: timed out: %s; page: %s" % (error, driver.page_source[-3000:]), flush=True)
        print_network(driver)
        sys.exit(1)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
