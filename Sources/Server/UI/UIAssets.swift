/// The UI's stylesheet and script, served by Slipway itself (no CDN, no build chain): readable from a phone's width to
/// 1280×800, usable with the keyboard.
enum UIAssets {
    static let stylesheet = """
        :root { --fg: #1d2330; --muted: #5b6475; --line: #d9dee7; --bg: #f7f8fa; --good: #1a7f37; --bad: #cf222e;
          --busy: #9a6700; --accent: #0b5cad; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.45; }
        nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; padding: .6rem 1rem;
          background: #111826; color: #fff; }
        nav a { color: #dbe7ff; text-decoration: none; }
        nav a:focus, nav a:hover { text-decoration: underline; }
        nav .brand { font-weight: 700; color: #fff; margin-right: .5rem; }
        nav .who { margin-left: auto; }
        nav .role { color: #9fb3d9; font-size: .85em; }
        nav form { margin: 0; }
        main { padding: 1rem; max-width: 1280px; margin: 0 auto; }
        h1 { font-size: 1.4rem; margin: .2rem 0 .8rem; }
        h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: .85rem; color: var(--muted); font-weight: 600; }
        .scroll { overflow-x: auto; }
        .badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .85rem; border: 1px solid currentColor; }
        .good { color: var(--good); } .bad { color: var(--bad); } .busy { color: var(--busy); } .plain { color: var(--muted); }
        .muted { color: var(--muted); }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: .8rem; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: .4rem; padding: .7rem .8rem; }
        .card h3 { margin: 0 0 .3rem; font-size: 1rem; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: 0; }
        .facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
        .steps { display: flex; flex-wrap: wrap; gap: .4rem; padding: 0; list-style: none; }
        .steps li { border: 1px solid var(--line); border-radius: .3rem; padding: .2rem .5rem; background: #fff; }
        .steps li.done { border-color: var(--good); } .steps li.current { border-color: var(--busy); font-weight: 600; }
        svg.weights { display: block; width: 100%; max-width: 32rem; height: 1.2rem; border: 1px solid var(--line); border-radius: .3rem; }
        svg.weights .primary { fill: #3b6fb6; } svg.weights .canary { fill: #c47f0a; }
        .gate { background: #fff; border: 1px solid var(--busy); border-radius: .4rem; padding: .7rem .8rem; margin: .8rem 0; }
        .gate label { display: block; margin: .3rem 0; }
        .gate input[type=text] { width: 100%; max-width: 32rem; padding: .3rem; }
        button { font: inherit; padding: .3rem .8rem; border-radius: .3rem; border: 1px solid #8a94a6; background: #fff; cursor: pointer; }
        button:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
        button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
        button.danger { color: var(--bad); border-color: var(--bad); }
        nav button { background: transparent; color: #dbe7ff; border-color: #4a5568; }
        .outcome { font-weight: 600; }
        svg.chart { background: #fff; border: 1px solid var(--line); border-radius: .3rem; max-width: 100%; height: auto; }
        svg.chart .axis { stroke: #8a94a6; stroke-width: 1; } svg.chart .grid { stroke: #eceff4; }
        svg.chart .line { fill: none; stroke: #3b6fb6; stroke-width: 2; }
        svg.chart .threshold { stroke: var(--bad); stroke-dasharray: 6 4; }
        svg.chart .pass { fill: var(--good); } svg.chart .fail { fill: var(--bad); }
        svg.chart text { font-size: 11px; fill: var(--muted); }
        pre.log { background: #0f1420; color: #d7dde8; padding: .6rem; border-radius: .3rem; overflow-x: auto; min-height: 6rem;
          font: .85rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
        pre.log .line { display: block; white-space: pre-wrap; }
        pre.log .line:target { background: #2d3a55; }
        pre.log a.n { color: #6b7894; text-decoration: none; display: inline-block; min-width: 3.5em; user-select: none; }
        pre.log details { display: block; } pre.log summary { cursor: pointer; color: #9fd0ff; }
        pre.log summary.line { display: list-item; list-style-position: inside; }
        .ansi-1 { font-weight: 700; } .ansi-31 { color: #ff7b72; } .ansi-32 { color: #7ee787; } .ansi-33 { color: #e3b341; }
        .ansi-34 { color: #79c0ff; } .ansi-35 { color: #d2a8ff; } .ansi-36 { color: #76e3ea; } .ansi-90 { color: #8b949e; }
        form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: .8rem; }
        form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
        .signin { max-width: 28rem; margin: 3rem auto; background: #fff; border: 1px solid var(--line); border-radius: .4rem; padding: 1rem; }
        .signin input { width: 100%; padding: .4rem; margin: .3rem 0 .8rem; font: inherit; }
        .error { color: var(--bad); }
        #timeline td:first-child { white-space: nowrap; }
        svg.jobs rect { fill: #fff; stroke: var(--line); stroke-width: 1.5; }
        svg.jobs .job.good rect { stroke: var(--good); } svg.jobs .job.bad rect { stroke: var(--bad); }
        svg.jobs .job.busy rect { stroke: var(--busy); }
        svg.jobs .job > circle, svg.jobs circle.plain { fill: var(--muted); } svg.jobs .job.good > circle, svg.jobs circle.good { fill: var(--good); }
        svg.jobs .job.bad > circle, svg.jobs circle.bad { fill: var(--bad); } svg.jobs .job.busy > circle, svg.jobs circle.busy { fill: var(--busy); }
        svg.jobs text { font-size: 13px; fill: var(--fg); } svg.jobs text.instance { font-size: 11px; fill: var(--muted); }
        svg.jobs .edge { fill: none; stroke: #9aa3b2; stroke-width: 1.5; }
        figure.graph { margin: 0 0 1rem; }
        pre.diff { background: #fff; border: 1px solid var(--line); border-radius: .3rem; padding: .5rem; overflow-x: auto; font-size: .85rem; }
        pre.diff span { display: block; white-space: pre; } pre.diff .add { background: #e6ffec; } pre.diff .del { background: #ffebe9; }
        pre.diff .hunk { color: var(--accent); } pre.diff .file { color: var(--muted); font-weight: 600; }
        #notice { margin: 0 1rem; min-height: 1.2em; font-weight: 600; }
        @media (max-width: 600px) { main { padding: .6rem; } th, td { padding: .3rem; } nav .who { margin-left: 0; } }

        """

    /// Live pages (`main[data-live]`) follow the server's change feed and swap in their fresh content; gate buttons
    /// post to the API (with the header that marks the UI's own requests) and show the result in place; a run's log
    /// streams from the API, ANSI colours and `::group::` folds rendered, each line linkable.
    static let script = """
        "use strict";
        (function () {
          const main = document.getElementById("main");
          let refreshing = false, again = false;
          async function refresh() {
            // Not while someone types on the page: what they typed would be replaced. Try again shortly.
            const active = document.activeElement;
            if (active && main.contains(active) && (active.tagName === "INPUT" || active.tagName === "TEXTAREA") && active.value) {
              setTimeout(refresh, 1000);
              return;
            }
            if (refreshing) { again = true; return; }
            refreshing = true;
            try {
              const response = await fetch(location.href, { headers: { "X-Slipway-Fragment": "1" }, credentials: "same-origin" });
              if (response.ok) {
                const html = await response.text();
                const focused = document.activeElement && document.activeElement.id;
                const typed = {};
                main.querySelectorAll("input[id]").forEach(function (input) { typed[input.id] = input.value; });
                const liveLog = document.getElementById("log");
                main.innerHTML = html;
                if (liveLog && document.getElementById("log")) {
                  document.getElementById("log").replaceWith(liveLog);
                  const state = document.getElementById("log-state");
                  if (state && liveLog.dataset.done) state.textContent = "finished";
                }
                Object.keys(typed).forEach(function (id) { const input = document.getElementById(id); if (input) input.value = typed[id]; });
                if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
              }
            } finally {
              refreshing = false;
              if (again) { again = false; refresh(); }
            }
          }
          function follow() {
            if (!main || !main.dataset.live || !window.EventSource) return;
            const source = new EventSource("/api/v1/events");
            // A browser opens 6 connections to a host at most (HTTP/1.1), and each stream holds one: closed as the page
            // is left, not when the browser gets round to tearing it down, so the next page's requests never queue.
            window.addEventListener("pagehide", function () { source.close(); });
            let timer = null;
            source.onmessage = schedule;
            ["delivery", "run", "release", "sync", "status", "reset"].forEach(function (name) { source.addEventListener(name, schedule); });
            function schedule() { if (timer) return; timer = setTimeout(function () { timer = null; refresh(); }, 150); }
          }
          // One listener for every form the UI acts through, on the document: forms swapped in by a refresh are
          // handled as the first ones are, and none is ever submitted natively.
          async function send(url, method, body) {
            // An action that gets no answer says so instead of waiting for ever.
            const abort = new AbortController();
            const timer = setTimeout(function () { abort.abort(); }, 30000);
            try {
              const response = await fetch(url, {
                method: method, credentials: "same-origin", signal: abort.signal,
                headers: { "Content-Type": "application/json", "X-Slipway-UI": "1" }, body: JSON.stringify(body)
              });
              const answer = await response.json().catch(function () { return {}; });
              return { ok: response.ok, message: answer.error || answer.message || ("HTTP " + response.status) };
            } catch (error) {
              // No response at all: the connection failed (a browser drops requests when the machine's network
              // changes). Whether the server acted is unknown: the page refreshes and the user decides again.
              refresh();
              return {
                ok: false,
                message: error.name === "AbortError" ? "No answer from the server within 30 s: check the page and try again."
                  : "The connection failed (" + error.message + "): check the page and try again."
              };
            } finally {
              clearTimeout(timer);
            }
          }
          // A form's own status says what is wrong before anything is sent; the outcome of a request goes to the
          // page's notice, outside what a refresh replaces (the event the action causes often refreshes the page
          // before its answer arrives, and a form whose subject is gone is not shown again).
          function say(element, text, tone) { if (element) { element.textContent = text; element.className = element.dataset.role + " " + tone; } }
          function outcome(form, result, done) {
            const notice = document.getElementById("notice");
            if (notice) { notice.dataset.role = "notice"; say(notice, result.ok ? done : result.message, result.ok ? "good" : "error"); }
            const status = form.querySelector("[role=status]");
            if (status && status.isConnected) say(status, "", "muted");
            if (result.ok) {
              // What was typed went with the request: cleared, so the refresh that follows is not held back for it.
              form.querySelectorAll("input[type=text], input:not([type])").forEach(function (input) { input.value = ""; });
              refresh();
            }
          }
          document.addEventListener("submit", async function (event) {
            const form = event.target;
            if (!form.dataset || !(form.dataset.gate || form.dataset.review || form.dataset.lift || form.dataset.play)) return;
            event.preventDefault();
            const choice = event.submitter ? event.submitter.value : "";
            if (form.dataset.gate) {
              const action = choice || "promote";
              const reason = form.querySelector("input[name=reason]");
              const status = form.querySelector(".gate-status");
              status.dataset.role = "gate-status";
              if (action === "abort" && (!reason || !reason.value.trim())) {
                say(status, "Say why the release is aborted.", "error");
                if (reason) reason.focus();
                return;
              }
              say(status, "Sending…", "muted");
              const result = await send("/api/v1/applications/" + encodeURIComponent(form.dataset.gate) + "/" + action, "POST",
                { reason: reason ? reason.value : "" });
              outcome(form, result, action === "promote" ? "Promotion recorded." : "Abort recorded.");
            } else if (form.dataset.review) {
              const state = choice || "approved";
              const result = await send("/api/v1/runs/" + form.dataset.review + "/pending_deployments", "POST",
                { environment: form.dataset.environment, state: state, comment: form.querySelector("input[name=comment]").value });
              outcome(form, result, state === "approved" ? "Approved." : "Rejected.");
            } else if (form.dataset.play) {
              const result = await send("/api/v4/projects/" + form.dataset.play + "/jobs/" + form.dataset.job + "/play", "POST", {});
              outcome(form, result, "Job started.");
            } else {
              const reason = form.querySelector("input[name=reason]");
              const status = form.querySelector(".lift-status");
              status.dataset.role = "lift-status";
              if (!reason.value.trim()) { say(status, "Say why.", "error"); reason.focus(); return; }
              const result = await send("/api/v1/applications/" + encodeURIComponent(form.dataset.lift) + "/holds/"
                + encodeURIComponent(form.dataset.revision), "DELETE", { reason: reason.value });
              outcome(form, result, "Hold lifted.");
            }
          });
          function ansi(text) {
            const out = document.createDocumentFragment();
            let classes = [];
            const parts = text.split(/\\u001b\\[([0-9;]*)m/);
            for (let i = 0; i < parts.length; i++) {
              if (i % 2 === 1) {
                const codes = parts[i] === "" ? ["0"] : parts[i].split(";");
                codes.forEach(function (code) {
                  if (code === "0") classes = [];
                  else if (["1", "31", "32", "33", "34", "35", "36", "90"].indexOf(code) >= 0) classes.push("ansi-" + code);
                });
              } else if (parts[i]) {
                const span = document.createElement("span");
                if (classes.length) span.className = classes.join(" ");
                span.textContent = parts[i];
                out.appendChild(span);
              }
            }
            return out;
          }
          function streamLog() {
            const log = document.getElementById("log");
            if (!log || !log.dataset.stream || !window.EventSource) return;
            let count = 0;
            let group = null;
            const source = new EventSource(log.dataset.stream);
            window.addEventListener("pagehide", function () { source.close(); });
            source.addEventListener("log", function (event) {
              const line = JSON.parse(event.data);
              let text = line.text || "";
              // Groups as GitHub's raw logs mark them: "##[group]title" … "##[endgroup]", folded here.
              if (text === "##[endgroup]") { group = null; return; }
              count += 1;
              const element = document.createElement("span");
              element.className = "line";
              element.id = "L" + count;
              const number = document.createElement("a");
              number.className = "n";
              number.href = "#L" + count;
              number.textContent = count;
              element.appendChild(number);
              if (line.job) {
                const job = document.createElement("span");
                job.className = "muted";
                job.textContent = "[" + line.job + "] ";
                element.appendChild(job);
              }
              if (text.indexOf("##[group]") === 0) {
                // The group's own line is its summary: number, job and title; its lines fold under it.
                const details = document.createElement("details");
                details.className = "group";
                const summary = document.createElement("summary");
                summary.className = "line";
                summary.id = element.id;
                while (element.firstChild) summary.appendChild(element.firstChild);
                summary.appendChild(ansi(text.slice(9)));
                details.appendChild(summary);
                (group || log).appendChild(details);
                group = details;
                return;
              }
              element.appendChild(ansi(text));
              (group || log).appendChild(element);
              if (location.hash === "#L" + count) element.scrollIntoView();
            });
            source.addEventListener("done", function () {
              source.close();
              log.dataset.done = "1";
              const state = document.getElementById("log-state");
              if (state) state.textContent = "finished";
            });
          }
          follow();
          streamLog();
        })();

        """
}
