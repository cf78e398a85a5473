"""Headless Chromium for the time-to-interactive rows."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from bench.common import log



class _Failed(Exception):
    """An opening of a page that did not get where it was measured to (its message is the row's error)."""

class Browser:
    """Headless Chromium (Debian's chromium + chromedriver) with the network off, as in
    tests/test_view_browser.py; started on first use."""

    def __init__(self):
        self.driver = None
        self.error = None
        self.profile = None

    def start(self):
        if self.driver is not None or self.error is not None:
            return
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service

            browser = next(filter(None, map(shutil.which, ["chromium", "chromium-browser", "google-chrome"])), None)
            chromedriver = shutil.which("chromedriver")
            if not browser or not chromedriver:
                raise RuntimeError("headless Chromium is missing: run `make browser`")
            options = webdriver.ChromeOptions()
            options.binary_location = browser
            self.profile = tempfile.mkdtemp(prefix="kg-bench-chromium-")
            for arg in [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,900", f"--user-data-dir={self.profile}",
                "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            ]:
                options.add_argument(arg)
            self.driver = webdriver.Chrome(service=Service(chromedriver), options=options)
            self.driver.set_page_load_timeout(300)
            self.driver.execute_cdp_cmd("Network.enable", {})
            self.driver.execute_cdp_cmd(
                "Network.emulateNetworkConditions",
                {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            )
        except Exception as e:  # noqa: BLE001 - reported in the rows, the run goes on
            self.error = f"{type(e).__name__}: {e}".splitlines()[0][:300]

    def measure(self, page: Path, times: int, timeout: float = 120) -> tuple[list[dict], str | None]:
        """Open ``page`` ``times`` times; for each, the page's own time from navigation start to
        first drawing and to interactive (drawn, and physics stopped when it has physics)."""

        def visit(d, start: float) -> dict:
            end = start + timeout
            state = None
            while time.perf_counter() < end:
                state = d.execute_script(
                    "return window.kgView ? {drawn: kgView.firstDrawAt, still: kgView.physicsStoppedAt,"
                    " physics: kgView.data.physics} : null")
                if state and state["drawn"] and (state["still"] or not state["physics"]):
                    break
                time.sleep(0.02)
            else:
                raise _Failed(f"not interactive within {timeout} s: {state}")
            wall = time.perf_counter() - start
            ready = max(state["drawn"], state["still"] or 0)
            return {"first_draw_s": state["drawn"] / 1000, "interactive_s": ready / 1000, "wall_s": wall}

        return self._visits(page, times, visit)

    def measure_static(self, page: Path, times: int) -> tuple[list[dict], str | None]:
        """Open a page without script (the report) ``times`` times; for each, the page's own time from
        navigation start to the end of its load event, and the wall time from the navigation command
        to a forced layout of the whole page (``document.body.scrollHeight``) after that."""

        def visit(d, start: float) -> dict:
            d.execute_script("return document.body.scrollHeight")  # the page's get returned after its load event
            wall = time.perf_counter() - start
            load = d.execute_script(
                "const n = performance.getEntriesByType('navigation')[0]; return n ? n.loadEventEnd : null")
            return {"load_s": (load or 0) / 1000, "wall_s": wall}

        return self._visits(page, times, visit)

    def _visits(self, page: Path, times: int, visit) -> tuple[list[dict], str | None]:
        """Open ``page`` ``times`` times, each after ``about:blank``; ``visit(driver, start)`` gives
        the row of one opening (``start``: just before the navigation). The rows, and the error that
        stopped them (None if none): a failure is reported in the rows, the run goes on."""
        self.start()
        if self.error:
            return [], self.error
        out = []
        try:
            for _ in range(times):
                self.driver.get("about:blank")
                start = time.perf_counter()
                self.driver.get(page.resolve().as_uri())
                out.append(visit(self.driver, start))
        except _Failed as e:
            return out, str(e)
        except Exception as e:  # noqa: BLE001 - reported in the row, the run goes on
            return out, f"{type(e).__name__}: {e}".splitlines()[0][:300]
        return out, None

    def close(self):
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception as e:  # noqa: BLE001 - a browser that will not quit must not lose the results
                log(f"chromium did not quit: {e}")
        if self.profile:
            shutil.rmtree(self.profile, ignore_errors=True)

