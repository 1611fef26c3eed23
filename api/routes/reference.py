"""Reference data agencies' systems map their own codes to: the regions served."""

from __future__ import annotations

from fastapi import APIRouter

from api.schemas import RegionPublic
from domain.regions import regions

router = APIRouter(prefix="/api/v1", tags=["reference"])


@router.get("/regions", response_model=list[RegionPublic])
async def list_regions() -> list[RegionPublic]:
    """The regions this deployment serves, by GB/T 2260 division code (e.g. 310115 浦东新区) and slug;
    the intake's `region` accepts either (a short reference list, not paged)."""
    return [
        RegionPublic(division_code=r.division_code, code=r.code, name_zh=r.name_zh, name_en=r.name_en, jurisdiction=r.jurisdiction)
        for r in sorted(regions().values(), key=lambda r: r.division_code)
    ]
