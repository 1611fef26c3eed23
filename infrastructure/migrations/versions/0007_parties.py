"""Parties: every respondent of a case (role, credit code, address, encrypted contact) and their
one-time links; existing cases get their employer as respondent 1.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "case_respondent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", S(length=20), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", S(length=20), nullable=False),
        sa.Column("name", S(length=200), nullable=False),
        sa.Column("uscc", S(length=18), nullable=True),
        sa.Column("address", S(length=300), nullable=False),
        sa.Column("contact_enc", S(), nullable=True),
        sa.Column("electronic_service", sa.Boolean(), nullable=False),
        sa.Column("answer", S(length=20), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposed_times", sa.JSON(), nullable=False),
        sa.Column("served_documents", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_no"], ["dispute_case.case_no"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no", "seq"),
    )
    with op.batch_alter_table("case_respondent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_respondent_case_no"), ["case_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_respondent_role"), ["role"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_respondent_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_respondent_uscc"), ["uscc"], unique=False)
    op.create_table(
        "respondent_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", S(length=64), nullable=False),
        sa.Column("case_no", S(length=20), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("workflow_id", S(length=120), nullable=False),
        sa.Column("invitation_key", S(length=200), nullable=False),
        sa.Column("purpose", S(length=30), nullable=False),
        sa.Column("document_id", S(length=36), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sa.UniqueConstraint("invitation_key"),
    )
    with op.batch_alter_table("respondent_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_respondent_link_case_no"), ["case_no"], unique=False)
    op.create_table(
        "sitting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", S(length=20), nullable=False),
        sa.Column("workflow_id", S(length=120), nullable=False),
        sa.Column("kind", S(length=30), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", S(length=200), nullable=False),
        sa.Column("online_link", S(length=300), nullable=False),
        sa.Column("summoned", sa.JSON(), nullable=False),
        sa.Column("organisation", S(length=200), nullable=False),
        sa.Column("team_code", S(length=64), nullable=True),
        sa.Column("convened_by", S(length=64), nullable=True),
        sa.Column("status", S(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", S(length=500), nullable=False),
        sa.Column("attendance", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_no", "kind", "number"),
    )
    with op.batch_alter_table("sitting", schema=None) as batch_op:
        for name in ("case_no", "starts_at", "team_code", "convened_by"):
            batch_op.create_index(batch_op.f(f"ix_sitting_{name}"), [name], unique=False)
    op.create_table(
        "case_agent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_no", S(length=16), nullable=False),
        sa.Column("case_no", S(length=20), nullable=False),
        sa.Column("kind", S(length=20), nullable=False),
        sa.Column("name_enc", S(), nullable=False),
        sa.Column("mobile_enc", S(), nullable=False),
        sa.Column("powers", sa.JSON(), nullable=False),
        sa.Column("special", sa.Boolean(), nullable=False),
        sa.Column("code_hash", S(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_no"], ["dispute_case.case_no"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agent_no"),
        sa.UniqueConstraint("code_hash"),
    )
    with op.batch_alter_table("case_agent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_agent_case_no"), ["case_no"], unique=False)
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret_enc", S(), nullable=True))
        batch_op.add_column(sa.Column("attachment_name", S(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachment_type", S(length=60), nullable=True))
        batch_op.add_column(sa.Column("attachment_text", S(), nullable=True))
    # Cases filed before: their one employer is respondent 1.
    op.execute(
        "INSERT INTO case_respondent (case_no, seq, role, name, uscc, address, electronic_service, proposed_times, served_documents) "
        "SELECT case_no, 1, 'employer', employer_name, employer_uscc, '', false, '[]', '{}' FROM dispute_case"
    )


def downgrade() -> None:
    with op.batch_alter_table("case_agent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_agent_case_no"))
    op.drop_table("case_agent")
    with op.batch_alter_table("sitting", schema=None) as batch_op:
        for name in ("convened_by", "team_code", "starts_at", "case_no"):
            batch_op.drop_index(batch_op.f(f"ix_sitting_{name}"))
    op.drop_table("sitting")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        for name in ("attachment_text", "attachment_type", "attachment_name", "secret_enc"):
            batch_op.drop_column(name)
    with op.batch_alter_table("respondent_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_respondent_link_case_no"))
    op.drop_table("respondent_link")
    with op.batch_alter_table("case_respondent", schema=None) as batch_op:
        for name in ("uscc", "name", "role", "case_no"):
            batch_op.drop_index(batch_op.f(f"ix_case_respondent_{name}"))
    op.drop_table("case_respondent")
