"""interpretations: 政策解读 and the users' autosaved drafts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('interpretation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('document_title', sa.String(length=300), nullable=False),
    sa.Column('document_number', sa.String(length=64), nullable=False),
    sa.Column('forms', sa.String(length=200), nullable=False),
    sa.Column('interpreter_role', sa.String(length=32), nullable=True),
    sa.Column('interpreter', sa.String(length=100), nullable=False),
    sa.Column('document_approved_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('document_published_on', sa.Date(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('sections', sa.Text(), nullable=False),
    sa.Column('document_text', sa.Text(), nullable=False),
    sa.Column('document_file', sa.String(length=255), nullable=False),
    sa.Column('previous_text', sa.Text(), nullable=False),
    sa.Column('previous_file', sa.String(length=255), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.Column('division_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("interpreter_role IS NULL OR interpreter_role IN ('division_head', 'bureau_leader', 'expert')", name=op.f('ck_interpretation_interpreter_role')),
    sa.CheckConstraint('published_on IS NULL OR approved_on IS NOT NULL', name=op.f('ck_interpretation_published_after_approval')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_interpretation_created_by_app_user')),
    sa.ForeignKeyConstraint(['division_id'], ['division.id'], name=op.f('fk_interpretation_division_id_division')),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_interpretation_updated_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interpretation')),
    sa.UniqueConstraint('uuid', name=op.f('uq_interpretation_uuid'))
    )
    with op.batch_alter_table('interpretation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interpretation_division_id'), ['division_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interpretation_year'), ['year'], unique=False)
        batch_op.create_index('ix_interpretation_document_number', ['document_number'], unique=False)
        batch_op.create_index('ix_interpretation_updated_at', ['updated_at'], unique=False)

    op.create_table('interpretation_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interpretation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['interpretation_id'], ['interpretation.id'], name=op.f('fk_interpretation_draft_interpretation_id_interpretation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_interpretation_draft_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interpretation_draft')),
    sa.UniqueConstraint('interpretation_id', 'user_id', name=op.f('uq_interpretation_draft_interpretation_id'))
    )


def downgrade() -> None:
    op.drop_table('interpretation_draft')
    with op.batch_alter_table('interpretation', schema=None) as batch_op:
        batch_op.drop_index('ix_interpretation_updated_at')
        batch_op.drop_index('ix_interpretation_document_number')
        batch_op.drop_index(batch_op.f('ix_interpretation_year'))
        batch_op.drop_index(batch_op.f('ix_interpretation_division_id'))

    op.drop_table('interpretation')
