"""Test access to the product's story intakes (devtools/stories.py)."""

from devtools.stories import (  # noqa: F401
    HANGZHOU_TRADING_USCC,
    LI_JIANGUO_ID,
    PARTNER_FIRM_USCC,
    PLATFORM_USCC,
    SUBCONTRACTOR_USCC,
    WANG_FANG_ID,
    dismissal,
    id_number,
    limitation_trap,
    platform_rider,
    rider,
    uscc,
    wage_arrears,
)
