"""exchange packages: 报送包 sent and received, and the merge base of received records

Revision ID: 0012
Revises: 0008
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exchange_package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('format_version', sa.Integer(), nullable=False),
    sa.Column('division_name', sa.String(length=64), nullable=False),
    sa.Column('division_id', sa.Integer(), nullable=True),
    sa.Column('since', sa.DateTime(), nullable=True),
    sa.Column('until', sa.DateTime(), nullable=False),
    sa.Column('chain_head', sa.String(length=64), nullable=False),
    sa.Column('chain_rows', sa.Integer(), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("direction IN ('export', 'import')", name=op.f('ck_exchange_package_direction')),
    sa.ForeignKeyConstraint(['division_id'], ['division.id'], name=op.f('fk_exchange_package_division_id_division')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_exchange_package_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_package')),
    )
    with op.batch_alter_table('exchange_package', schema=None) as batch_op:
        batch_op.create_index('ix_exchange_package_division', ['direction', 'division_name', 'id'], unique=False)
    op.create_table('exchange_base',
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('record_key', sa.String(length=80), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['exchange_package.id'], name=op.f('fk_exchange_base_package_id_exchange_package')),
    sa.PrimaryKeyConstraint('entity', 'record_key', name=op.f('pk_exchange_base')),
    )


def downgrade() -> None:
    op.drop_table('exchange_base')
    with op.batch_alter_table('exchange_package', schema=None) as batch_op:
        batch_op.drop_index('ix_exchange_package_division')
    op.drop_table('exchange_package')
