"""Files and paper in a real browser: Móng Cái's officer sends a request with a photo and a PDF,
opens each (shown inline with its own safe type, `nosniff`, a download saved as an attachment)
and previews the PDF in the page; Dongxing opens the same files on the CN node; the request and
an alert are opened in their print views and their PDFs downloaded. In Vietnamese and Chinese,
every step checked for sideways scrolling at 390 px, axe findings and console errors."""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.browser.journey import Journey, log_in
from tests.browser.records import issue_alert, open_until, person_name
from tests.e2e.nodes import NodePair

from borderlink.web.i18n import translator

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

LOCALES = {"vi": "vi-VN", "zh_Hans": "zh-CN"}


def png_image(width: int = 24, height: int = 16) -> bytes:
    """A small real PNG: a red and white stripe."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + (b"\xc0\x10\x10" if y < height // 2 else b"\xff\xff\xff") * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def pdf_document() -> bytes:
    """A one-page PDF made the way the node makes its own."""
    from weasyprint import HTML

    pdf: bytes = HTML(string="<h1>Biên bản kiểm tra xe 14C-123.45</h1>").write_pdf()
    return pdf


def assert_served(page: Page, href: str, content_type: str, disposition: str, filename: str) -> bytes:
    """Open `href` in the browser and check what the node answered with."""
    response = page.request.get(href)
    assert response.status == 200, (href, response.status)
    headers = response.headers
    assert headers["content-type"].split(";")[0] == content_type, headers
    assert headers["content-disposition"].startswith(f'{disposition}; filename="{filename}"'), headers
    assert headers["x-content-type-options"] == "nosniff", headers
    return response.body()


def download_pdf(page: Page, link: str, folder: Path) -> bytes:
    """Click a PDF link on the page and return the file the browser saved."""
    with page.expect_download() as started:
        page.locator(link).first.click()
    download = started.value
    saved = folder / download.suggested_filename
    download.save_as(saved)
    assert saved.suffix == ".pdf", saved
    return saved.read_bytes()


@pytest.mark.parametrize("language", list(LOCALES))
def test_attachments_open_safely_and_records_print_to_pdf(
    nodes: NodePair, journey: Callable[..., Journey], language: str, tmp_path: Path
) -> None:
    _ = translator(language)
    walk = journey(locale=LOCALES[language])
    vn = walk.new_page()
    log_in(vn, nodes.vn, "mongcai.officer", language, walk)

    subject = f"{_('New request')} {uuid.uuid4().hex[:8]}"
    vn.goto(f"{nodes.vn.url}/hotline/new")
    vn.select_option("#recipient", "CN-GX-DONGXING")
    vn.select_option("#kind", "information")
    vn.fill("#subject", subject)
    vn.fill("#body", "Ảnh xe tải và biên bản kiểm tra kèm theo. / 附卡车照片和检查记录。")
    vn.set_input_files("#attachment", [
        {"name": "xe-tai.png", "mimeType": "image/png", "buffer": png_image()},
        {"name": "bien-ban.pdf", "mimeType": "application/pdf", "buffer": pdf_document()},
    ])
    walk.step(vn, "vn-request-with-files")
    vn.locator("form[action='/hotline/new'] button[type=submit]").click()
    vn.wait_for_url("**/hotline/requests/*")
    request_path = vn.url.split("?")[0].removeprefix(nodes.vn.url)
    expect(vn.locator("h1")).to_have_text(subject)

    # The photo is shown in the page; the PDF opens in a preview inside it.
    photo = vn.locator("img.thumb[alt='xe-tai.png']")
    expect(photo).to_be_visible()
    vn.wait_for_function("(img) => img.complete && img.naturalWidth === 24", arg=photo.element_handle())
    preview = vn.locator("details.pdf-preview")
    preview.locator("summary").click()
    frame = preview.locator("iframe.pdf-frame")
    expect(frame).to_have_attribute("src", frame.get_attribute("data-src") or "")
    walk.step(vn, "vn-request-files-previewed")

    image_href = photo.locator("xpath=..").get_attribute("href") or ""
    pdf_href = frame.get_attribute("data-src") or ""
    assert assert_served(vn, f"{nodes.vn.url}{image_href}", "image/png", "inline", "xe-tai.png") == png_image()
    assert assert_served(vn, f"{nodes.vn.url}{pdf_href}", "application/pdf", "inline", "bien-ban.pdf").startswith(
        b"%PDF-")
    assert_served(vn, f"{nodes.vn.url}{image_href}?download=1", "image/png", "attachment", "xe-tai.png")
    opened = vn.goto(f"{nodes.vn.url}{image_href}")
    assert opened is not None
    assert opened.headers["content-type"].startswith("image/png")
    vn.go_back()

    # Dongxing opens the same files on its own node.
    cn = walk.new_page()
    log_in(cn, nodes.cn, "dongxing.officer", language, walk)
    open_until(cn, f"{nodes.cn.url}{request_path}", "img.thumb[alt='xe-tai.png']")
    walk.step(cn, "cn-request-with-files")
    cn_image = cn.locator("img.thumb[alt='xe-tai.png']").locator("xpath=..").get_attribute("href") or ""
    assert assert_served(cn, f"{nodes.cn.url}{cn_image}", "image/png", "inline", "xe-tai.png") == png_image()

    # The request on paper, then as a PDF.
    vn.locator(f"a[href='{request_path}/print']").click()
    vn.wait_for_url(f"**{request_path}/print")
    expect(vn.locator("h1")).to_contain_text(subject)
    expect(vn.locator("main")).to_contain_text("xe-tai.png")
    walk.step(vn, "vn-request-print")
    assert download_pdf(vn, f"a[href='{request_path}/print.pdf']", tmp_path).startswith(b"%PDF-")

    # An alert on paper, the name in every rendering, then as a PDF.
    name = person_name("Phùng")
    alert = issue_alert(nodes, name)
    vn.goto(f"{nodes.vn.url}/alerts/{alert['id']}")
    vn.locator(f"a[href='/alerts/{alert['id']}/print']").click()
    vn.wait_for_url(f"**/alerts/{alert['id']}/print")
    expect(vn.locator("main .names")).to_contain_text(name)
    expect(vn.locator("main h2").filter(has_text=_("Timeline"))).to_be_visible()
    walk.step(vn, "vn-alert-print")
    assert download_pdf(vn, f"a[href='/alerts/{alert['id']}/print.pdf']", tmp_path).startswith(b"%PDF-")
