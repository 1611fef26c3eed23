"""Browser tests: one running product per module, Playwright driving Debian's Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright, expect

from tests.browser.product import CHROMIUM_ARGS, Product, ensure_chromium, running_product

# Actions render their documents (WeasyPrint) before answering: allow for a slow, busy CI machine.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")
async def product(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Product]:
    async with running_product(tmp_path_factory.mktemp("product")) as running:
        yield running


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    executable = ensure_chromium()
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()
