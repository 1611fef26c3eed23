"""Test access to the product's story intakes (devtools/stories.py)."""

from devtools.stories import (  # noqa: F401
    HANGZHOU_TRADING_USCC,
    LI_JIANGUO_ID,
    SUBCONTRACTOR_USCC,
    WANG_FANG_ID,
    dismissal,
    id_number,
    limitation_trap,
    platform_rider,
    uscc,
    wage_arrears,
)
