"""evaluation: the indicator table of each year, 扣分 and 调整 of the divisions

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evaluation_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('weight_centi', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('measured', sa.Text(), nullable=False),
    sa.Column('met', sa.Text(), nullable=False),
    sa.Column('rule_id', sa.String(length=64), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.CheckConstraint('weight_centi > 0', name=op.f('ck_evaluation_indicator_weight_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_indicator')),
    sa.UniqueConstraint('year', 'code', name=op.f('uq_evaluation_indicator_year')),
    )
    with op.batch_alter_table('evaluation_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_indicator_year'), ['year'], unique=False)

    op.create_table('evaluation_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('points_centi', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('division_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('deduction', 'adjustment')", name=op.f('ck_evaluation_adjustment_kind')),
    sa.CheckConstraint('quarter IS NULL OR quarter BETWEEN 1 AND 4', name=op.f('ck_evaluation_adjustment_quarter')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_evaluation_adjustment_created_by_app_user')),
    sa.ForeignKeyConstraint(['division_id'], ['division.id'], name=op.f('fk_evaluation_adjustment_division_id_division')),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_evaluation_adjustment_updated_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_adjustment')),
    sa.UniqueConstraint('uuid', name=op.f('uq_evaluation_adjustment_uuid')),
    )
    with op.batch_alter_table('evaluation_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_adjustment_division_id'), ['division_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_adjustment_year'), ['year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('evaluation_adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_adjustment_year'))
        batch_op.drop_index(batch_op.f('ix_evaluation_adjustment_division_id'))
    op.drop_table('evaluation_adjustment')
    with op.batch_alter_table('evaluation_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_indicator_year'))
    op.drop_table('evaluation_indicator')
