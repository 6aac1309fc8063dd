#!/usr/bin/env python3
"""The report opened in a real browser (headless Chromium, docs/report.md, "Tests").

    report_browser_test.py CHECK GRADER BUILD_DIR CHROMIUM

CHECK is one of dom, learner_page, screenshots, network, formats, filters. Each reads the class
database made by `report_class.py setup` (the ctest fixture) and writes under
BUILD_DIR/report-class/<CHECK>/, so the checks run in parallel. The expected figures come from
the class plan and from plain SQL over the database, not from the report's own code.
"""
import json
import pathlib
import re
import sqlite3
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import report_class  # noqa: E402


def fail(message):
    sys.exit(f"FAIL: {message}")


class Context:
    def __init__(self, grader, build, chromium, check):
        self.grader, self.build, self.chromium = grader, pathlib.Path(build).resolve(), chromium
        self.data = report_class.class_dir(self.build) / "data"
        self.out = report_class.class_dir(self.build) / check
        self.out.mkdir(parents=True, exist_ok=True)

    def grader_run(self, *args):
        run = subprocess.run([self.grader, "--data-dir", str(self.data), *args],
                             capture_output=True, text=True)
        if run.returncode != 0:
            fail(f"grader {' '.join(args)} exited {run.returncode}: {run.stderr}")
        return run.stdout

    def html(self):
        html_dir = self.out / "html"
        self.grader_run("report", "--out", str(html_dir))
        return html_dir

    def chromium_run(self, url, *extra):
        with tempfile.TemporaryDirectory() as profile:
            argv = [self.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={profile}", *extra, url]
            # Generous: a cold Chromium on a loaded two-core machine takes seconds.
            run = subprocess.run(argv, capture_output=True, text=True, timeout=240)
        if run.returncode != 0:
            fail(f"chromium exited {run.returncode}: {run.stderr[-2000:]}")
        return run

    def dump_dom(self, path):
        return self.chromium_run(path.as_uri(), "--dump-dom").stdout

    def sql(self, query, *args):
        with sqlite3.connect(f"file:{self.data / 'grader.db'}?mode=ro", uri=True) as db:
            return db.execute(query, args).fetchall()


def problem_section(dom, problem):
    match = re.search(rf'<section class="problem" id="problem-{problem}">(.*?)</section>', dom,
                      re.S)
    if not match:
        fail(f"no section for {problem}")
    return match.group(1)


def expected_stuck(problem):
    out = []
    for learner, attempts in report_class.plan(problem).items():
        if len(attempts) >= 3 and not any(a.startswith("solution") for a in attempts):
            out.append(learner)
    return sorted(out)


def check_dom(ctx):
    dom = ctx.dump_dom(ctx.html() / "index.html")
    total = sum(len(a) for p in report_class.PROBLEMS for a in report_class.plan(p).values())
    total += sum(len(a) for a in report_class.hostile_plan().values())
    learners = len(report_class.LEARNERS) + len(report_class.HOSTILE)
    want = f"{learners} learners, 3 problems, {total} submissions."
    if want not in dom:
        fail(f"index lacks {want!r}")
    for problem in report_class.PROBLEMS:
        section = problem_section(dom, problem)
        # Status counts, by SQL: a graded submission with a limit verdict counts as "limits".
        rows = ctx.sql("SELECT s.status, EXISTS (SELECT 1 FROM test_results t WHERE "
                       "t.submission_id = s.id AND t.verdict IN ('time_limit', 'memory_limit', "
                       "'output_limit')) FROM submissions s WHERE problem_id = ?", problem)
        counts = {"graded": 0, "compile_error": 0, "limits": 0, "internal_error": 0}
        for status, limited in rows:
            counts["limits" if status == "graded" and limited else status] += 1
        for status, count in counts.items():
            if f'data-status="{status}">{count}<' not in section:
                fail(f"{problem}: status {status} should be {count}")
        if counts["compile_error"] == 0:
            fail(f"{problem}: the class should have compile errors")
        # Pass rates over each learner's latest submission, by SQL.
        rates = ctx.sql(
            "SELECT t.name, t.visibility, SUM(t.verdict = 'passed'), COUNT(*) FROM test_results t "
            "WHERE t.submission_id IN (SELECT MAX(id) FROM submissions WHERE problem_id = ? "
            "GROUP BY learner) GROUP BY t.name, t.visibility", problem)
        for name, visibility, passed, count in rates:
            percent = round(100 * passed / count)
            cell = (f"<td>{name}</td><td>{visibility}</td><td class=\"num rate\">{passed}/{count} "
                    f"({percent}%)</td>")
            if cell not in section:
                fail(f"{problem}: no row {cell}")
        stuck = re.search(r'<p class="stuck">(.*?)</p>', section, re.S).group(1)
        names = re.findall(r'class="learner" href="[^"]+">([^<]+)</a>', stuck)
        if names != expected_stuck(problem):
            fail(f"{problem}: stuck {names}, expected {expected_stuck(problem)}")
    similarity = dom[dom.index('id="similarity"'):dom.index('id="learners"')]
    relu = "".join(re.findall(r"<h4>relu: .*?</table>", similarity, re.S))
    pairs = re.findall(r'<tr class="pair"><td><a class="learner" href="[^"]+">([^<]+)</a></td>'
                       r'<td><a class="learner" href="[^"]+">([^<]+)</a></td><td class="num">'
                       r'([0-9.]+)</td><td>(yes|no)</td></tr>', relu)
    pairs = set(pairs)
    for pair in [("learner04", "learner10", "1.00", "no"),
                 ("&lt;script&gt;alert(1)&lt;/script&gt;", "learner05", "1.00", "yes")]:
        if pair not in pairs:
            fail(f"similarity lacks the pair {pair}")
    if any("learner38" in p[:2] or "learner39" in p[:2] for p in pairs):
        fail("learners who submitted the bare starter must not be paired")
    if len(re.findall(r'<tr class="pair">', similarity)) <= len(pairs):
        fail("sigmoid and tanh should have similar pairs too")
    if "<script>" in dom or "<script " in dom:
        fail("a learner's name became a script element")
    print(f"dom ok: {len(pairs)} similar pairs")


def check_learner_page(ctx):
    html_dir = ctx.html()
    name = report_class.HOSTILE[0]
    pages = [p for p in html_dir.glob("learner-*.html") if "&lt;script&gt;" in p.read_text()]
    single = ctx.out / "single.html"
    ctx.grader_run("report", "--learner", name, "--out", str(single))
    for page in pages + [single]:
        dom = ctx.dump_dom(page)
        if "Report for <span class=\"name\">&lt;script&gt;alert(1)&lt;/script&gt;</span>" not in dom:
            fail(f"{page.name}: the name is not shown escaped")
        if "<script" in dom:
            fail(f"{page.name}: a script element")
        if "learner0" in dom:
            fail(f"{page.name}: names another learner")
        # Hidden tests: name and verdict, never a message.
        hidden = re.findall(r"<tr><td>[^<]*</td><td>hidden</td><td[^>]*>[^<]*</td><td>(.*?)</td>",
                            dom)
        if not hidden or any(hidden):
            fail(f"{page.name}: hidden rows {hidden} must exist and carry no message")
        mistake = sorted((report_class.ROOT / "problems/relu/mistakes").glob("*.cpp"))[0].stem
        if not re.search(rf"<code>{mistake}</code> — You ", dom):
            fail(f"{page.name}: the diagnosis and its explanation are missing")
    print(f"learner pages ok ({len(pages) + 1})")


def png_pixels(path):
    """(width, height, set of distinct pixels, non-white count) of an 8-bit RGB(A) PNG."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour = header[8], header[9]
    if depth != 8 or colour not in (2, 6) or header[12] != 0:
        fail(f"{path}: unexpected PNG format {header.hex()}")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    previous = bytearray(stride)
    colours, non_white = set(), 0
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = previous[i], previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        for x in range(0, stride, bpp * 2):  # every other pixel is plenty
            pixel = bytes(line[x:x + 3])
            colours.add(pixel)
            non_white += pixel != b"\xff\xff\xff"
        previous = line
    return width, height, colours, non_white


def check_screenshots(ctx):
    html_dir = ctx.html()
    screens = ctx.build / "report-screens"
    screens.mkdir(exist_ok=True)
    learner_page = sorted(html_dir.glob("learner-scriptalert1script-*.html"))[0]
    for page, png in [(html_dir / "index.html", screens / "index.png"),
                      (learner_page, screens / "learner.png")]:
        png.unlink(missing_ok=True)
        ctx.chromium_run(page.as_uri(), f"--screenshot={png}", "--window-size=1280,1600",
                         "--hide-scrollbars")
        width, height, colours, non_white = png_pixels(png)
        sampled = width * height // 2
        if (width, height) != (1280, 1600):
            fail(f"{png}: {width}x{height}")
        if len(colours) < 8 or non_white < sampled // 100:
            fail(f"{png} looks blank: {len(colours)} colours, {non_white}/{sampled} non-white")
        print(f"{png}: {len(colours)} colours, {100 * non_white // sampled}% non-white")


def page_requests(ctx, page):
    """(URLs the page itself made Chromium request, Chromium's stderr). Chromium's own
    background fetches (update checks, accounts) carry the initiator "not an origin"; anything a
    page loads carries the page's origin ("null" for a file)."""
    log = ctx.out / f"{page.stem}.netlog.json"
    run = ctx.chromium_run(page.as_uri(), "--dump-dom", f"--log-net-log={log}",
                           "--enable-logging=stderr", "--v=0")
    text = log.read_text()
    try:
        netlog = json.loads(text)
    except json.JSONDecodeError:  # a log cut short at exit lacks its closing brackets
        netlog = json.loads(text.rstrip().rstrip(",") + "]}")
    start_job = netlog["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = [e["params"]["url"] for e in netlog["events"]
            if e["type"] == start_job and "url" in e.get("params", {})
            and e["params"].get("initiator") != "not an origin"]
    return urls, run.stderr


def check_network(ctx):
    # The check itself, on a page that does load something: it must see that request.
    control = ctx.out / "control.html"
    control.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/probe.png">')
    urls, _ = page_requests(ctx, control)
    if not any("127.0.0.1:9/probe.png" in u for u in urls):
        fail(f"the network check missed the control page's request: {urls}")
    html_dir = ctx.html()
    pages = [html_dir / "index.html"] + sorted(html_dir.glob("learner-*.html"))[:2]
    for page in pages:
        text = page.read_text()
        # Nothing to fetch: no URL with a scheme or a protocol-relative one, no script at all.
        for pattern in [r"https?:", r"(src|href)\s*=\s*\"//", r"<script", r"@import", r"url\("]:
            if re.search(pattern, text, re.I):
                fail(f"{page.name} contains {pattern}")
        urls, stderr = page_requests(ctx, page)
        if urls:
            fail(f"{page.name} made the browser request {urls}")
        for sign in ["Failed to load resource", "Refused to", "net::ERR_"]:
            if sign in stderr:
                fail(f"{page.name}: {sign} in Chromium's log")
        print(f"{page.name}: no request (the control page's was seen)")


def check_formats(ctx):
    report = json.loads(ctx.grader_run("report", "--format", "json"))
    if len(report["learners"]) != len(report_class.LEARNERS) + len(report_class.HOSTILE):
        fail("json: wrong number of learners")
    csv_dir = ctx.out / "csv"
    ctx.grader_run("report", "--format", "csv", "--out", str(csv_dir))
    attempts = (csv_dir / "attempts.csv").read_text()
    if "\n'=cmd|' /C calc'!A0,relu," not in attempts:
        fail("csv: the formula-like name is not neutralised")
    if re.search(r"^[=+\-@]", attempts, re.M):
        fail("csv: a cell starts a line with a formula character")
    for name in ["problems", "tests", "diagnoses", "stuck", "mastery", "similarity", "verdicts"]:
        if not (csv_dir / f"{name}.csv").read_text().strip():
            fail(f"csv: {name}.csv is empty")
    print("json and csv ok")


def check_filters(ctx):
    run_id = ctx.sql("SELECT id FROM batch_runs WHERE problem_id = 'relu' ORDER BY id LIMIT 1")[0][0]
    report = json.loads(ctx.grader_run("report", "--format", "json", "--batch-run", str(run_id)))
    if [p["problem"] for p in report["problems"]] != ["relu"] or \
            report["problems"][0]["submissions"] != len(report_class.LEARNERS):
        fail(f"--batch-run {run_id}: {report['problems']}")
    report = json.loads(ctx.grader_run("report", "--format", "json", "--problem", "sigmoid",
                                       "--problem", "tanh"))
    if [p["problem"] for p in report["problems"]] != ["sigmoid", "tanh"]:
        fail("--problem")
    names = ctx.out / "learners.txt"
    names.write_text("# two of them\nlearner01\nlearner02\n")
    report = json.loads(ctx.grader_run("report", "--format", "json", "--learners", str(names)))
    if [l["learner"] for l in report["learners"]] != ["learner01", "learner02"]:
        fail("--learners")
    report = json.loads(ctx.grader_run("report", "--format", "json", "--since", "2999-01-01"))
    if report["learners"] or report["problems"]:
        fail("--since in the future should select nothing")
    print("filters ok")


CHECKS = {"dom": check_dom, "learner_page": check_learner_page, "screenshots": check_screenshots,
          "network": check_network, "formats": check_formats, "filters": check_filters}

if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in CHECKS:
        sys.exit(__doc__)
    needs_browser = sys.argv[1] not in ("formats", "filters")
    if needs_browser and (not sys.argv[4] or sys.argv[4].endswith("NOTFOUND")):
        # A failure, not a skip: a browser check that did not run has checked nothing.
        sys.exit("FAIL: no chromium (scripts/setup.sh installs it)")
    CHECKS[sys.argv[1]](Context(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[1]))
