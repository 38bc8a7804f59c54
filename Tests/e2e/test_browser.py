"""The web app in a real browser: Debian's headless Chromium driven by Selenium through chromedriver, against the
real `millwright` binary. Screenshots of the main pages at phone (390 px) and desktop widths are saved to
$MILLWRIGHT_ARTIFACTS/screenshots (default: artifacts/screenshots in the repository) as test artefacts.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import REPO_ROOT, add_member, sign_in

ARTIFACTS = Path(os.environ.get("MILLWRIGHT_ARTIFACTS") or REPO_ROOT / "artifacts") / "screenshots"
PHONE = (390, 844)
DESKTOP = (1280, 900)
PASSWORD = "a long browser password"


def chromium_paths():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or "/usr/lib/chromium/chromedriver"
    if not browser or not Path(driver).exists():
        pytest.fail("chromium and chromedriver are not installed (scripts/test installs Debian's chromium and chromium-driver)")
    return browser, driver


def image_magick():
    """ImageMagick's converter, found the way the server finds it: only a program whose -version names ImageMagick
    (another `convert` may come first on PATH)."""
    for name in ("magick", "convert-im6.q16", "convert"):
        for directory in os.environ.get("PATH", "").split(os.pathsep):
            path = Path(directory) / name
            if not (path.is_file() and os.access(path, os.X_OK)):
                continue
            version = subprocess.run([str(path), "-version"], capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if version.returncode == 0 and version.stdout.startswith("Version: ImageMagick"):
                return str(path)
    pytest.fail("ImageMagick is not installed (scripts/test installs Debian's imagemagick)")


def new_browser(size=DESKTOP):
    binary, driver = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={size[0]},{size[1]}", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(driver), options=options)
    browser.set_page_load_timeout(30)
    return browser


def wait(browser, condition, seconds=10):
    # A page being replaced (a form's redirect, a live refresh) makes chromedriver report the old nodes as gone:
    # keep polling until the condition holds on the new page.
    return WebDriverWait(browser, seconds, ignored_exceptions=(WebDriverException,)).until(condition)


def web_sign_in(browser, server, email, password):
    browser.get(server.url("/sign-in"))
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "nav[aria-label=Main]")))


def screenshot(browser, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    browser.save_screenshot(str(path))
    assert path.stat().st_size > 1000, f"empty screenshot {path}"
    return path


@pytest.fixture(scope="module")
def team(server, owner):
    """A site, an asset, and a technician who signs in through the form."""
    site = server.request("POST", "/api/v1/sites", owner.token, json={"name": "Main plant"})
    assert site.status_code == 201, site.text
    asset = server.request("POST", "/api/v1/assets", owner.token, json={
        "name": "Line 2 conveyor drive", "tag": "VFD-201", "siteId": site.json()["id"], "kind": "drive",
        "manufacturer": "Allen-Bradley", "model": "PowerFlex 525"})
    assert asset.status_code == 201, asset.text
    add_member(server, owner, "tech@example.com", "Tess Tech", "technician", PASSWORD)
    add_member(server, owner, "manager@example.com", "Max Manager", "manager", PASSWORD)
    return {"site": site.json()["id"], "asset": asset.json()["id"], "technician": sign_in(server, "tech@example.com", PASSWORD)}


def test_sign_in_diagnose_give_feedback_and_make_a_work_order(server, owner, team):
    browser = new_browser()
    try:
        web_sign_in(browser, server, "tech@example.com", PASSWORD)
        assert "Home" in browser.title
        browser.find_element(By.LINK_TEXT, "Diagnose").click()
        browser.find_element(By.ID, "query").send_keys("PowerFlex 525 F004")
        browser.find_element(By.CSS_SELECTOR, ".diagnose-form button[type=submit]").click()
        answer = wait(browser, EC.presence_of_element_located((By.ID, "answer")))
        assert answer.get_attribute("data-atom") == "rockwell.powerflex-520.f004"
        safety = browser.find_element(By.ID, "safety-heading")
        assert safety.is_displayed()
        # Danger is shown in red: the safety box's border is the danger colour.
        colour = browser.find_element(By.CSS_SELECTOR, ".safety").value_of_css_property("border-top-color")
        assert colour in ("rgba(164, 22, 26, 1)", "rgb(164, 22, 26)"), colour
        assert "Source:" in browser.find_element(By.CSS_SELECTOR, "#answer .source").text
        browser.find_element(By.ID, "feedback-fixed").click()
        wait(browser, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "Thank you"))
        browser.find_element(By.ID, "create-work-order").click()
        wait(browser, EC.presence_of_element_located((By.ID, "work-order-status")))
        assert "F004 UnderVoltage" in browser.find_element(By.TAG_NAME, "h1").text
        number = browser.find_element(By.CSS_SELECTOR, "h1 .number").text
        # The API sees the same work order, made from the diagnosis.
        listed = server.request("GET", "/api/v1/work-orders?source=diagnosis", owner.token).json()["items"]
        assert [order["number"] for order in listed] == [number]
    finally:
        browser.quit()


def submit(browser, form_selector):
    browser.find_element(By.CSS_SELECTOR, f"{form_selector} button[type=submit]").click()


def test_a_work_order_from_text_is_worked_and_completed_in_the_browser(server, owner, team):
    # Stock to use: a part with 4 on hand in a store room.
    location = server.request("POST", "/api/v1/locations", owner.token, json={"siteId": team["site"], "name": "Stores"}).json()
    part = server.request("POST", "/api/v1/parts", owner.token, json={"number": "BLT-10", "name": "V-belt", "unitCost": 9.5}).json()
    level = server.request("POST", "/api/v1/stock-levels", owner.token, json={"partId": part["id"], "locationId": location["id"]}).json()
    received = server.request("POST", f"/api/v1/stock-levels/{level['id']}/movements", owner.token,
                              json={"kind": "receive", "quantity": 4, "reason": "opening stock"})
    assert received.status_code == 201, received.text

    browser = new_browser(PHONE)
    try:
        web_sign_in(browser, server, "tech@example.com", PASSWORD)
        browser.get(server.url("/work-orders/new"))
        browser.find_element(By.ID, "text").send_keys("VFD-201 drive tripping on overcurrent, urgent")
        browser.find_element(By.ID, "draft-from-text").click()
        wait(browser, EC.presence_of_element_located((By.ID, "confirm-form")))
        chosen = browser.find_element(By.CSS_SELECTOR, "#assetId option:checked").get_attribute("value")
        assert chosen == team["asset"], "the draft should pick the asset named by its tag"
        screenshot(browser, "new-from-text-phone")
        browser.find_element(By.ID, "create-work-order").click()
        status = wait(browser, EC.presence_of_element_located((By.ID, "work-order-status")))
        assert status.text == "Open"
        order_id = browser.current_url.rstrip("/").split("/")[-1]
        # A checklist on it (checklists come from templates or the API), then worked on the page.
        tasks = server.request("POST", f"/api/v1/work-orders/{order_id}/tasks", owner.token, json={"items": [
            {"kind": "subtask", "label": "Lock out the drive"}, {"kind": "number", "label": "Bus voltage", "unit": "V"}]})
        assert tasks.status_code == 201, tasks.text
        browser.refresh()
        browser.find_element(By.ID, "action-start").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "work-order-status"), "In progress"))
        first, second = [task["id"] for task in tasks.json()]
        browser.find_element(By.ID, f"task-done-{first}").click()
        wait(browser, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "Checklist updated"))
        browser.find_element(By.ID, f"value-{second}").send_keys("648")
        submit(browser, f"form[action$='/tasks/{second}']")
        wait(browser, EC.text_to_be_present_in_element((By.ID, "checklist"), "648"))
        browser.find_element(By.ID, "minutes").send_keys("40")
        browser.find_element(By.ID, "log-time").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "time"), "Total: 40 min"))
        browser.find_element(By.ID, "quantity").send_keys("1")
        browser.find_element(By.ID, "use-part").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "parts"), "BLT-10 V-belt"))
        # A photo from the phone's camera input: here, a PNG the browser itself made.
        photo = screenshot(browser, "before-photo-phone")
        browser.find_element(By.ID, "file").send_keys(str(photo))
        submit(browser, "form[action$='/attachments']")
        wait(browser, EC.text_to_be_present_in_element((By.ID, "photos"), "before-photo-phone.png"))
        link = browser.find_element(By.CSS_SELECTOR, "#photos a").get_attribute("href")
        browser.get(link)
        assert browser.execute_script("return document.contentType") == "image/png"
        browser.back()
        browser.find_element(By.ID, "resolutionNote").send_keys("Replaced the belt; bus voltage normal")
        browser.find_element(By.ID, "action-complete").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "work-order-status"), "Completed"))
        screenshot(browser, "work-order-completed-phone")
        done = server.request("GET", f"/api/v1/work-orders/{order_id}", owner.token).json()
        assert done["status"] == "completed" and done["source"] == "text"
        assert server.request("GET", f"/api/v1/stock-levels/{level['id']}", owner.token).json()["quantity"] == 3
    finally:
        browser.quit()


def test_a_request_is_sent_and_approved_in_the_browser(server, owner, team):
    add_member(server, owner, "requester@example.com", "Rae Requester", "requester", PASSWORD)
    requester = new_browser(PHONE)
    manager = new_browser()
    try:
        web_sign_in(requester, server, "requester@example.com", PASSWORD)
        requester.get(server.url("/requests"))
        requester.find_element(By.ID, "request-title").send_keys("Oil leak under press 4")
        Select(requester.find_element(By.ID, "request-site")).select_by_visible_text("Main plant")
        requester.find_element(By.ID, "send-request").click()
        wait(requester, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "Request sent"))

        web_sign_in(manager, server, "manager@example.com", PASSWORD)
        manager.get(server.url("/requests"))
        card = wait(manager, EC.presence_of_element_located((By.XPATH, "//li[contains(@class,'request')][contains(., 'Oil leak under press 4')]")))
        card.find_element(By.CSS_SELECTOR, "button[id^=approve-]").click()
        wait(manager, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "approved"))
        requester.refresh()
        assert "Approved" in requester.find_element(By.TAG_NAME, "main").text
        orders = server.request("GET", "/api/v1/work-orders?source=request", owner.token).json()["items"]
        assert [order["title"] for order in orders] == ["Oil leak under press 4"]
    finally:
        requester.quit()
        manager.quit()


DRAG = """
const [card, column] = arguments;
const data = new DataTransfer();
card.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data}));
const over = new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data});
column.dispatchEvent(over);
const accepted = over.defaultPrevented;
column.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));
card.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: data}));
return accepted;
"""


def test_dragging_a_card_moves_it_only_where_the_rules_allow(server, owner, team):
    made = server.request("POST", "/api/v1/work-orders", owner.token, json={"title": "Tighten the guard", "siteId": team["site"]})
    assert made.status_code == 201, made.text
    order = made.json()["id"]
    browser = new_browser()
    try:
        web_sign_in(browser, server, "manager@example.com", PASSWORD)
        browser.get(server.url("/work-orders/board"))
        card = browser.find_element(By.ID, f"card-{order}")
        on_hold = browser.find_element(By.CSS_SELECTOR, ".board-column[data-status=on_hold]")
        # Open → on hold is not a move the rules allow: the column refuses the drop, nothing is sent.
        assert browser.execute_script(DRAG, card, on_hold) is False
        assert server.request("GET", f"/api/v1/work-orders/{order}", owner.token).json()["status"] == "open"
        in_progress = browser.find_element(By.CSS_SELECTOR, ".board-column[data-status=in_progress]")
        assert browser.execute_script(DRAG, card, in_progress) is True
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, f".board-column[data-status=in_progress] #card-{order}")))
        assert server.request("GET", f"/api/v1/work-orders/{order}", owner.token).json()["status"] == "in_progress"
        screenshot(browser, "board-desktop")
    finally:
        browser.quit()


def test_a_photo_of_a_drive_display_is_diagnosed_from_the_phone(server, owner, team, tmp_path):
    # A drive's seven-segment-like display, drawn the way the Swift photo tests draw it (ImageMagick).
    display = tmp_path / "display.png"
    subprocess.run([image_magick(), "-size", "520x160", "xc:#101010", "-font", "DejaVu-Sans-Mono-Bold", "-pointsize", "72",
                    "-fill", "#39ff14", "-gravity", "center", "-annotate", "0", "F004", "-blur", "0x0.8", str(display)], check=True)
    browser = new_browser(PHONE)
    try:
        web_sign_in(browser, server, "tech@example.com", PASSWORD)
        browser.get(server.url("/diagnose"))
        browser.find_element(By.ID, "query").send_keys("PowerFlex 525")
        browser.find_element(By.ID, "image").send_keys(str(display))
        browser.find_element(By.CSS_SELECTOR, ".diagnose-form button[type=submit]").click()
        answer = wait(browser, EC.presence_of_element_located((By.ID, "answer")), 30)
        assert answer.get_attribute("data-atom") == "rockwell.powerflex-520.f004"
        assert "F004" in browser.find_element(By.ID, "ocr-text").text
        screenshot(browser, "photo-diagnosis-phone")
    finally:
        browser.quit()


def test_a_change_made_elsewhere_arrives_live_without_a_reload(server, owner, team):
    watcher = new_browser()
    try:
        web_sign_in(watcher, server, "manager@example.com", PASSWORD)
        watcher.get(server.url("/work-orders"))
        wait(watcher, lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-live-connected") == "true")
        watcher.execute_script("document.body.setAttribute('data-not-reloaded', 'yes')")
        made = server.request("POST", "/api/v1/work-orders", team["technician"].token, json={
            "title": "Belt squeal on line 2", "siteId": team["site"], "priority": "high"})
        assert made.status_code == 201, made.text
        number = made.json()["number"]
        wait(watcher, EC.text_to_be_present_in_element((By.ID, "live-notice"), number))
        wait(watcher, EC.text_to_be_present_in_element((By.ID, "work-order-list"), "Belt squeal on line 2"))
        # The same page: the list was refreshed in place, not reloaded.
        assert watcher.find_element(By.TAG_NAME, "body").get_attribute("data-not-reloaded") == "yes"
    finally:
        watcher.quit()


@pytest.mark.parametrize("size,label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_main_pages_fit_the_screen_and_are_saved_as_screenshots(server, owner, team, size, label):
    browser = new_browser(size)
    try:
        browser.get(server.url("/sign-in"))
        screenshot(browser, f"sign-in-{label}")
        web_sign_in(browser, server, "manager@example.com", PASSWORD)
        diagnosis = server.request("POST", "/api/v1/diagnoses", owner.token, json={"query": "PowerFlex 525 F004"}).json()
        order = server.request("POST", "/api/v1/work-orders", owner.token, json={
            "title": f"Check the guard ({label})", "assetId": team["asset"]}).json()
        for name, path in [("home", "/"), ("work-orders", "/work-orders"), ("work-order", f"/work-orders/{order['id']}"),
                           ("diagnose", "/diagnose"), ("diagnosis", f"/diagnoses/{diagnosis['id']}"), ("requests", "/requests"),
                           ("new-work-order", "/work-orders/new"), ("board", "/work-orders/board"),
                           ("assets", "/assets"), ("asset", f"/assets/{team['asset']}"), ("parts", "/parts"),
                           ("pm-schedules", "/pm-schedules"), ("pm-compliance", "/pm-schedules/compliance"), ("purchase-orders", "/purchase-orders"), ("sites", "/sites"),
                           ("account", "/account")]:
            browser.get(server.url(path))
            wait(browser, EC.presence_of_element_located((By.TAG_NAME, "h1")))
            # Nothing is wider than the window: no sideways scrolling on a phone.
            overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} is {overflow}px wider than the {label} window"
            screenshot(browser, f"{name}-{label}")
    finally:
        browser.quit()


def test_pages_are_keyboard_reachable_and_labelled(server, owner, team):
    browser = new_browser()
    try:
        web_sign_in(browser, server, "tech@example.com", PASSWORD)
        browser.get(server.url("/diagnose"))
        # Every form control has a label.
        unlabelled = browser.execute_script("""
            return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
              .filter(el => !(el.labels && el.labels.length) && !el.closest('label') && !el.getAttribute('aria-label'))
              .map(el => el.name || el.id);""")
        assert unlabelled == []
        # The first Tab reaches the skip link, which leads to the content.
        browser.find_element(By.TAG_NAME, "body").send_keys("\t")
        focused = browser.switch_to.active_element
        assert focused.get_attribute("class") == "skip" and focused.get_attribute("href").endswith("#main")
    finally:
        browser.quit()


def test_admin_pages_show_a_new_key_once_and_verify_the_audit_trail(server, owner, team):
    browser = new_browser()
    try:
        web_sign_in(browser, server, owner.email, owner.password)
        browser.find_element(By.LINK_TEXT, "Admin").click()
        wait(browser, EC.presence_of_element_located((By.ID, "members")))
        assert "tech@example.com" in browser.find_element(By.ID, "members").text
        screenshot(browser, "admin-users-desktop")
        browser.get(server.url("/admin/api-keys"))
        browser.find_element(By.ID, "key-name").send_keys("Line PLC bridge")
        browser.find_element(By.CSS_SELECTOR, "input[name='scopes[]'][value='work-orders:read']").click()
        browser.find_element(By.ID, "create-key").click()
        key = wait(browser, EC.presence_of_element_located((By.ID, "api-key"))).text
        assert key.startswith("mw_")
        assert server.request("GET", "/api/v1/work-orders", key).status_code == 200
        browser.get(server.url("/admin/api-keys"))
        assert key not in browser.page_source
        browser.get(server.url("/admin/audit"))
        browser.find_element(By.ID, "verify").click()
        result = wait(browser, EC.presence_of_element_located((By.ID, "verify-result")))
        assert "intact" in result.text
        screenshot(browser, "admin-audit-desktop")
    finally:
        browser.quit()
