"""Agencies' own systems: service accounts (client credentials, scopes, webhook and its delivery
state), the per-organisation event log (append-only: triggers refuse UPDATE and DELETE, as for the
audit trail) with its sequence counters, and the receipts of actions done under an Idempotency-Key.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('agency_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('organisation_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('event_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id'),
    sa.UniqueConstraint('organisation_code', 'event_key'),
    sa.UniqueConstraint('organisation_code', 'seq')
    )
    with op.batch_alter_table('agency_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_event_organisation_code'), ['organisation_code'], unique=False)

    op.create_table('agency_event_counter',
    sa.Column('organisation_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('organisation_code')
    )
    op.create_table('agency_system',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('organisation_code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('secret_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('webhook_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('webhook_secret_enc', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('previous_webhook_secret_enc', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('previous_secret_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_seq', sa.Integer(), nullable=False),
    sa.Column('last_delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_code'], ['organisation.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agency_system', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_system_client_id'), ['client_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_agency_system_organisation_code'), ['organisation_code'], unique=False)

    op.create_table('agency_action_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('request_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['system_id'], ['agency_system.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('system_id', 'idempotency_key')
    )
    with op.batch_alter_table('agency_action_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_action_receipt_system_id'), ['system_id'], unique=False)

    _append_only()


APPEND_ONLY = "agency_event is append-only"


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION agency_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$;
        """)
        op.execute("CREATE TRIGGER agency_event_no_change BEFORE UPDATE OR DELETE ON agency_event "
                   "FOR EACH ROW EXECUTE FUNCTION agency_event_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER agency_event_no_{event.lower()} BEFORE {event} ON agency_event "
                       f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS agency_event_no_change ON agency_event")
        op.execute("DROP FUNCTION IF EXISTS agency_event_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS agency_event_no_{event}")
    with op.batch_alter_table('agency_action_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_action_receipt_system_id'))

    op.drop_table('agency_action_receipt')
    with op.batch_alter_table('agency_system', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_system_organisation_code'))
        batch_op.drop_index(batch_op.f('ix_agency_system_client_id'))

    op.drop_table('agency_system')
    op.drop_table('agency_event_counter')
    with op.batch_alter_table('agency_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_event_organisation_code'))

    op.drop_table('agency_event')
