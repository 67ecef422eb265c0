"""engagement: 新闻发布会, 政务舆情回应, 互动, 建议提案办理, 会议与培训, 督查审计整改

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


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


def _tables() -> dict[str, tuple[list[sa.Column], dict[str, str], str]]:
    """Each table: its own columns, its check constraints (name → condition) and the column
    that dates its records (indexed)."""
    return {
        'press_conference': (
            [
                sa.Column('held_on', sa.Date(), nullable=False),
                sa.Column('topic', sa.String(length=300), nullable=False),
                sa.Column('speakers', sa.Text(), nullable=False),
                sa.Column('involved_divisions', sa.Text(), nullable=False),
                sa.Column('link', sa.String(length=500), nullable=False),
                sa.Column('notes', sa.Text(), nullable=False),
            ],
            {},
            'held_on',
        ),
        'public_opinion': (
            [
                sa.Column('subject', sa.String(length=300), nullable=False),
                sa.Column('source', sa.String(length=200), nullable=False),
                sa.Column('first_seen_at', sa.DateTime(), nullable=False),
                sa.Column('level', sa.String(length=16), nullable=False),
                sa.Column('emergency', sa.Boolean(), nullable=False),
                sa.Column('judgement', sa.Text(), nullable=False),
                sa.Column('reported_to', sa.String(length=200), nullable=False),
                sa.Column('responded_at', sa.DateTime(), nullable=True),
                sa.Column('response_channel', sa.String(length=200), nullable=False),
                sa.Column('authoritative_at', sa.DateTime(), nullable=True),
                sa.Column('conference_at', sa.DateTime(), nullable=True),
                sa.Column('notes', sa.Text(), nullable=False),
            ],
            {'level': "level IN ('ordinary', 'major', 'extraordinary')"},
            'first_seen_at',
        ),
        'public_interaction': (
            [
                sa.Column('form', sa.String(length=32), nullable=False),
                sa.Column('subject', sa.String(length=300), nullable=False),
                sa.Column('received_on', sa.Date(), nullable=False),
                sa.Column('answered_on', sa.Date(), nullable=True),
                sa.Column('reply', sa.Text(), nullable=False),
                sa.Column('notes', sa.Text(), nullable=False),
            ],
            {'form': "form IN ('online_interview', 'message', 'survey', 'consultation', 'other')"},
            'received_on',
        ),
        'proposal': (
            [
                sa.Column('proposal_type', sa.String(length=16), nullable=False),
                sa.Column('number', sa.String(length=64), nullable=False),
                sa.Column('title', sa.String(length=300), nullable=False),
                sa.Column('received_on', sa.Date(), nullable=False),
                sa.Column('replied_on', sa.Date(), nullable=True),
                sa.Column('published_on', sa.Date(), nullable=True),
                sa.Column('notes', sa.Text(), nullable=False),
            ],
            {'proposal_type': "proposal_type IN ('npc', 'cppcc')"},
            'received_on',
        ),
        'work_meeting': (
            [
                sa.Column('meeting_kind', sa.String(length=16), nullable=False),
                sa.Column('held_on', sa.Date(), nullable=False),
                sa.Column('subject', sa.String(length=300), nullable=False),
                sa.Column('participants', sa.Text(), nullable=False),
                sa.Column('notes', sa.Text(), nullable=False),
            ],
            {'meeting_kind': "meeting_kind IN ('training', 'hearing', 'deployment')"},
            'held_on',
        ),
        'rectification': (
            [
                sa.Column('source', sa.String(length=16), nullable=False),
                sa.Column('problem', sa.Text(), nullable=False),
                sa.Column('found_on', sa.Date(), nullable=False),
                sa.Column('rectification', sa.Text(), nullable=False),
                sa.Column('rectified_on', sa.Date(), nullable=True),
                sa.Column('disclosed', sa.Boolean(), nullable=False),
                sa.Column('notes', sa.Text(), nullable=False),
            ],
            {'source': "source IN ('inspection', 'audit')"},
            'found_on',
        ),
    }


def upgrade() -> None:
    for table, (columns, checks, dated_by) in _tables().items():
        op.create_table(table,
        sa.Column('id', sa.Integer(), nullable=False),
        *columns,
        *_record_columns(),
        *(sa.CheckConstraint(condition, name=op.f(f'ck_{table}_{name}')) for name, condition in checks.items()),
        *_record_constraints(table),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_division_id'), ['division_id'], unique=False)
            batch_op.create_index(f'ix_{table}_{dated_by}', [dated_by], unique=False)


def downgrade() -> None:
    for table, (_columns, _checks, dated_by) in reversed(list(_tables().items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_{dated_by}')
            batch_op.drop_index(batch_op.f(f'ix_{table}_division_id'))
        op.drop_table(table)
