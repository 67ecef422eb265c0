"""decisions: 决策公开 and the public consultations of each decision

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

STEPS = ('participation', 'expert', 'risk', 'legality', 'collective')


def _record_columns() -> list[sa.Column]:
    return [
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('deleted_at', sa.DateTime(), nullable=True),
        sa.Column('division_id', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
    ]


def _record_constraints(table: str) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f(f'fk_{table}_created_by_app_user')),
        sa.ForeignKeyConstraint(['division_id'], ['division.id'], name=op.f(f'fk_{table}_division_id_division')),
        sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f(f'fk_{table}_updated_by_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
        sa.UniqueConstraint('uuid', name=op.f(f'uq_{table}_uuid')),
    ]


def upgrade() -> None:
    step_columns = []
    for step in STEPS:
        step_columns.append(sa.Column(f'{step}_on', sa.Date(), nullable=True))
        step_columns.append(sa.Column(f'{step}_note', sa.Text(), nullable=False))
    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('decision_type', sa.String(length=16), nullable=False),
    sa.Column('document_number', sa.String(length=64), nullable=False),
    sa.Column('rule_level', sa.Boolean(), nullable=False),
    sa.Column('market_related', sa.Boolean(), nullable=False),
    sa.Column('predisclosed_on', sa.Date(), nullable=True),
    *step_columns,
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    *_record_columns(),
    sa.CheckConstraint("decision_type IN ('major', 'normative', 'livelihood', 'other')", name=op.f('ck_decision_decision_type')),
    *_record_constraints('decision'),
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_division_id'), ['division_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_year'), ['year'], unique=False)
        batch_op.create_index('ix_decision_document_number', ['document_number'], unique=False)
        batch_op.create_index('ix_decision_updated_at', ['updated_at'], unique=False)

    op.create_table('consultation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('channels', sa.String(length=200), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('adopted', sa.Integer(), nullable=False),
    sa.Column('partly_adopted', sa.Integer(), nullable=False),
    sa.Column('not_adopted', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('result_published_on', sa.Date(), nullable=True),
    sa.Column('result_link', sa.String(length=500), nullable=False),
    *_record_columns(),
    sa.CheckConstraint('ended_on >= started_on', name=op.f('ck_consultation_period')),
    sa.CheckConstraint('received >= 0 AND adopted >= 0 AND partly_adopted >= 0 AND not_adopted >= 0', name=op.f('ck_consultation_counts')),
    sa.CheckConstraint('result_published_on IS NULL OR result_published_on >= ended_on', name=op.f('ck_consultation_result_after_end')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_consultation_decision_id_decision'), ondelete='CASCADE'),
    *_record_constraints('consultation'),
    )
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_division_id'), ['division_id'], unique=False)
        batch_op.create_index('ix_consultation_ended_on', ['ended_on'], unique=False)

    op.create_table('consulted_mark',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['normative_document.id'], name=op.f('fk_consulted_mark_document_id_normative_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_consulted_mark')),
    )


def downgrade() -> None:
    op.drop_table('consulted_mark')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_index('ix_consultation_ended_on')
        batch_op.drop_index(batch_op.f('ix_consultation_division_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_decision_id'))

    op.drop_table('consultation')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index('ix_decision_updated_at')
        batch_op.drop_index('ix_decision_document_number')
        batch_op.drop_index(batch_op.f('ix_decision_year'))
        batch_op.drop_index(batch_op.f('ix_decision_division_id'))

    op.drop_table('decision')
