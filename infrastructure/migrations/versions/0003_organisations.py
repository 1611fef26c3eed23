"""Agencies as participants: organisations (teams belong to one), referrals between them, case
access for assigned lawyers, and who holds each case now.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "organisation",
        sa.Column("code", S(length=64), nullable=False),
        sa.Column("kind", S(length=40), nullable=False),
        sa.Column("name_zh", S(length=200), nullable=False),
        sa.Column("name_en", S(length=200), nullable=False),
        sa.Column("region", S(length=64), nullable=False),
        sa.Column("supervisor", S(length=64), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_organisation_region"), ["region"], unique=False)
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_code", S(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_team_organisation_code"), ["organisation_code"], unique=False)
        batch_op.create_foreign_key("fk_team_organisation_code", "organisation", ["organisation_code"], ["code"])
    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_key", S(length=160), nullable=False),
        sa.Column("case_no", S(length=20), nullable=False),
        sa.Column("kind", S(length=40), nullable=False),
        sa.Column("sender_team", S(length=64), nullable=True),
        sa.Column("sender_name", S(length=200), nullable=False),
        sa.Column("receiver_team", S(length=64), nullable=True),
        sa.Column("receiver_name", S(length=200), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("acknowledge_by", sa.Date(), nullable=True),
        sa.Column("status", S(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("reason", S(length=1000), nullable=False),
        sa.Column("document_id", S(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("referral_key"),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        for column in ("case_no", "sender_team", "receiver_team", "status"):
            batch_op.create_index(batch_op.f(f"ix_referral_{column}"), [column], unique=False)
    op.create_table(
        "case_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", S(length=20), nullable=False),
        sa.Column("username", S(length=64), nullable=False),
        sa.Column("reason", S(length=200), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no", "username"),
    )
    with op.batch_alter_table("case_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_access_case_no"), ["case_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_access_username"), ["username"], unique=False)
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holder_team", S(length=64), nullable=True))
        batch_op.add_column(sa.Column("holder_name", S(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("holder_since", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_column("holder_since")
        batch_op.drop_column("holder_name")
        batch_op.drop_column("holder_team")
    op.drop_table("case_access")
    op.drop_table("referral")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_constraint("fk_team_organisation_code", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_team_organisation_code"))
        batch_op.drop_column("organisation_code")
    op.drop_table("organisation")
